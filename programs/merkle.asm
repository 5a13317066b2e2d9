; merkle.asm: membership in a Poseidon Merkle tree of depth 8 (256 leaves).
;
;   public input:  root
;   private input: leaf, then for each of the 8 levels from the leaf up:
;                  sibling, bit    (bit = 0: the current node is the left child,
;                                   bit = 1: it is the right child)
;   outputs:       none
;
; Each level computes parent = Poseidon(left, right) with the order chosen by the bit.
; The order is chosen without branching: with d = bit * (sibling - node),
;   left  = node + d        (= node when bit = 0, sibling when bit = 1)
;   right = sibling - d     (= sibling when bit = 0, node when bit = 1)
; so each level costs one hash, one multiplication and one booleanity check (`range bit, 1`).
; The loop runs exactly 8 times whatever the inputs; the `.bound` (7 backward jumps) states it.

.public 1
.private 17
.outputs 0
.const DEPTH 8
.bound level, 7

        read r10                ; r10 = the public root
        secret r1               ; r1 = node, starts at the leaf
        mov r9, DEPTH           ; r9 = levels still to hash
level:
        secret r2               ; r2 = sibling at this level
        secret r3               ; r3 = direction bit
        range r3, 1             ; the bit must be 0 or 1 (else a forged order could pass)
        sub r4, r2, r1          ; r4 = sibling - node
        mul r4, r4, r3          ; d = bit * (sibling - node)
        add r5, r1, r4          ; left
        sub r6, r2, r4          ; right
        hash r1, r5, r6         ; node = Poseidon(left, right), one level up
        sub r9, r9, 1
        jnz r9, level
        assert_eq r1, r10       ; the path must end at the public root
        halt
