"""OpenFisca variables of the Steppe policy rules, grouped by policy."""

from . import hte, inputs, rewards, super_deduction, tax, tsme

MODULES = [inputs, tsme, hte, super_deduction, tax, rewards]
