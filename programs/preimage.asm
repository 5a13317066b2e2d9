; preimage.asm: "I know x and y with Poseidon(x, y) = h" without revealing x or y.
;
;   public input:  h            the hash everybody can see
;   private input: x, y         the preimage only the prover knows
;   outputs:       none         (the statement is the assertion itself)
;
; `hash` is circomlib's BN254 Poseidon with two inputs, so h can be computed by any
; circomlib-compatible tool. A wrong preimage makes the run fault at the assert_eq; the
; circuit then has no satisfying assignment for that h.

.public 1
.private 2
.outputs 0

        read r1                 ; r1 = h (public)
        secret r2               ; r2 = x (private)
        secret r3               ; r3 = y (private)
        hash r4, r2, r3         ; r4 = Poseidon(x, y): about 240 constraints in the circuit
        assert_eq r4, r1        ; the whole statement: Poseidon(x, y) = h
        halt
