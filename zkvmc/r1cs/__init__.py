"""Rank-1 constraint systems over F_r: <A_i, w> * <B_i, w> = <C_i, w>.

Wire 0 is the constant 1; wires 1..n_public are the public signals (the program's outputs,
then its public inputs: circom's order); the rest are private.
"""

from zkvmc.r1cs.system import LC, Constraint, R1CS, eval_lc, first_unsatisfied, is_satisfied

__all__ = ["LC", "Constraint", "R1CS", "eval_lc", "first_unsatisfied", "is_satisfied"]
