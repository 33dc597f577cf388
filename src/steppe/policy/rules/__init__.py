"""Rules as code for Steppe's inclusive policies: an OpenFisca-core tax-benefit system.

- one entity, `enterprise` (see entities.py);
- yearly variables in variables/ with formulas named by the date they take effect;
- dated parameters in parameters/ (YAML), each with its `reference` and a reliability
  tag in metadata (R: primary text, S: secondary repost, M: general knowledge).

`system()` returns the (cached) TaxBenefitSystem.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .entities import entities
from .variables import MODULES

PARAMETERS_DIR = Path(__file__).parent / "parameters"


class SteppePolicySystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(PARAMETERS_DIR))
        from openfisca_core.variables import Variable

        for module in MODULES:
            for obj in vars(module).values():
                if (
                    isinstance(obj, type)
                    and issubclass(obj, Variable)
                    and obj is not Variable
                    and not obj.__name__.startswith("_")
                    and hasattr(obj, "value_type")
                ):
                    self.add_variable(obj)
        # OpenFisca stores floats as float32; money and band-edge ratios need float64
        # (float32(0.35) < 0.35 would drop a growth of exactly 35% into the lower band).
        for variable in self.variables.values():
            if variable.value_type is float:
                variable.dtype = np.float64


@cache
def system() -> SteppePolicySystem:
    return SteppePolicySystem()
