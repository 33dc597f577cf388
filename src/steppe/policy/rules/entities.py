"""The single OpenFisca entity of the policy rules: one enterprise (一企)."""

from openfisca_core.entities import build_entity

Enterprise = build_entity(
    key="enterprise",
    plural="enterprises",
    label="企业 (enterprise, a resident EIT taxpayer)",
    doc="A single-person entity: each enterprise is evaluated on its own, year by year.",
    is_person=True,
)

entities = [Enterprise]
