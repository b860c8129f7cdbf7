"""placeholder"""
from dataclasses import dataclass
import numpy as np
@dataclass(frozen=True)
class MCLPInstance:
    xy: np.ndarray
    demand: np.ndarray
    name: str = ""
