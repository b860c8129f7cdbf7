"""Tables of the workspace (SQLAlchemy 2 declarative). The schema itself is owned by Alembic.

Every record a nation can see or not carries a label: ``owner`` (ISO3 of the owner nation) and
``releasable_to`` (tokens: groups such as ``COALITION``, ``NATO``, ``EU``, ``UKR`` or ISO3 states) stored as
``;TOKEN;TOKEN;`` so that releasability is filtered in SQL (see :mod:`backstop.workspace.permissions`).
Editable records carry ``version`` (optimistic locking: SQLAlchemy's ``version_id_col``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Labelled:
    """Mixin: owner nation and releasability tokens."""

    owner: Mapped[str] = mapped_column(String(3), index=True)
    releasable_to: Mapped[str] = mapped_column(String(400), default=";")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    nation: Mapped[str] = mapped_column(String(3))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))


class Scenario(Labelled, Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    head: Mapped[int] = mapped_column(Integer, default=0)  # number of the newest revision
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[str] = mapped_column(String(32))

    revisions: Mapped[list[Revision]] = relationship(back_populates="scenario", order_by="Revision.number")
    __mapper_args__ = {"version_id_col": version}


class Revision(Base):
    """An immutable snapshot of a scenario folder (never updated, never deleted)."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    content_sha256: Mapped[str] = mapped_column(String(64))
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)

    scenario: Mapped[Scenario] = relationship(back_populates="revisions")
    files: Mapped[list[RevisionFile]] = relationship(order_by="RevisionFile.filename")


class RevisionFile(Base):
    """One file of a revision, byte for byte."""

    __tablename__ = "revision_files"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(100), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class Round(Labelled, Base):
    """A pledge round: open (pledges may be entered and edited) or closed (locked, kept as history)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[str] = mapped_column(String(32))
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class PledgeRecord(Labelled, Base):
    """A nation's pledge line in a round; ``data`` holds the CSV cells (JSON) as in ``pledges.csv``."""

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("round_id", "pledge_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    pledge_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    capability: Mapped[str] = mapped_column(String(64), default="")  # copies of two cells of ``data`` (migration 0003):
    quantity: Mapped[int] = mapped_column(Integer, default=0)  # the dashboard's fill is a GROUP BY on them
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class AuditEvent(Labelled, Base):
    """One line of the append-only, hash-chained audit log (see :mod:`backstop.workspace.audit`)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    actor_nation: Mapped[str] = mapped_column(String(3))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Key-value settings of one workspace (e.g. the session secret when not given by environment)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Run(Labelled, Base):
    """An analysis run on a scenario revision, executed as a background job (issue 16).

    Its label is the most restrictive label of everything it read (``combined_audience``): ``owner`` is the
    nation of the user who started it and ``releasable_to`` lists the other nations of that audience.
    ``status``: queued, running, done, failed, cancelled. Files are stored only when the job is done.
    """

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    round_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    analysis: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(Integer)
    quick: Mapped[bool] = mapped_column(Boolean, default=False)
    inputs: Mapped[str] = mapped_column(Text, default="")  # JSON: what it read (revision, pledge ids and labels)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    results_sha256: Mapped[str] = mapped_column(String(64), default="")


class RunFile(Base):
    """One output file of a finished run (results.json, CSVs, report.html), byte for byte."""

    __tablename__ = "run_files"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(100), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class CommitmentAction(Labelled, Base):
    """A guarantor's acknowledgement of a commitment step fired in a monitor run, and the action taken.

    Labelled like the run it answers (the fired commitment is part of that run's results).
    """

    __tablename__ = "commitment_actions"
    __table_args__ = (UniqueConstraint("run_id", "fired_key", "nation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    fired_key: Mapped[str] = mapped_column(String(200))  # commitment id @ trigger time
    nation: Mapped[str] = mapped_column(String(3))
    deadline: Mapped[str] = mapped_column(String(32))
    acknowledged_by: Mapped[str] = mapped_column(String(64))
    acknowledged_at: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(Text, default="")


class Meeting(Labelled, Base):
    """A chiefs' meeting: date, participating nations, agenda items and decisions (``MeetingItem``)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[str] = mapped_column(String(10))
    nations: Mapped[str] = mapped_column(String(400))  # ;NOR;FRA; participating nations
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class MeetingItem(Labelled, Base):
    """An agenda item or a decision, citing a run and/or a revision; labelled by the meeting and the run cited."""

    __tablename__ = "meeting_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # agenda | decision
    text: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    violation: Mapped[str] = mapped_column(String(20), default="")  # a violation id of the cited monitor run (V000001)
    owner_nation: Mapped[str] = mapped_column(String(3), default="")  # decisions: who must act
    due_date: Mapped[str] = mapped_column(String(10), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class IncidentRecord(Labelled, Base):
    """An incident entered in the form or uploaded by a nation (the monitor's ACLED or Air Force shape).

    ``data`` holds the cells (JSON) exactly as validated by the monitor's row checks; ``kind`` is
    ``incidents`` (ACLED shape) or ``air`` (Air Force daily summary). Never edited: a wrong report is
    answered by a new one (the register is evidence).
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    data: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(200))  # "<form>" or the uploaded file's name
    line: Mapped[int] = mapped_column(Integer)  # line (or record) in that file
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
