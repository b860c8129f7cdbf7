"""Force generation: source the guarantee force from national pledges under caveats, rotations
and burden-sharing; report gaps and what each caveat costs.  See docs/forcegen.md."""
