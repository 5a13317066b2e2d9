; signed_vote.asm: an anonymous, signed yes/no ballot from a registered voter.
;
;   public inputs:  electionId    which election the ballot is for
;                   root          the voter registry's root, published by the registrar
;   private input:  Ax, Ay        the voter's BabyJubJub public key
;                   nk            the voter's nullifier secret (known to the voter only)
;                   vote          the ballot: 0 (no) or 1 (yes)
;                   S, R8x, R8y   the voter's EdDSA-Poseidon signature of the ballot message
;                   then for each of the 4 levels from the leaf up:
;                   sibling, bit  (bit = 0: the node is the left child, 1: the right child)
;   outputs:        vote          the ballot, counted by the tally
;                   nullifier     Poseidon(nk, electionId), one per voter per election
;
; Public signals (outputs first, then public inputs): [vote, nullifier, electionId, root].
;
; The registry is a Poseidon Merkle tree of depth 4 (16 voters). The registrar enrols each voter
; once, as the leaf Poseidon(Ax, Ay, nk) the voter hands in. The tally accepts a proof for its
; electionId and root, counts `vote` and refuses a nullifier it has seen before. The checks:
;
;   1. vote < 2 (`range vote, 1`): a ballot is 0 or 1, so a sum of ballots is a count of yes
;      votes (a "vote" of 2, or of r - 1, would add or take away votes).
;   2. M = Poseidon(BALLOT, electionId, vote) and `eddsa Ax, Ay, S, R8x, R8y, M`: the holder of
;      the key signed this vote in this election. A signature of the other vote, or for another
;      election, does not verify; the constant BALLOT separates ballots from anything else the
;      key signs (rollup transactions sign Poseidon hashes too). Whoever builds the proof from
;      the voter's signature and nk cannot change the vote.
;   3. leaf = Poseidon(Ax, Ay, nk) hashed up the path must reach the public root: the key is
;      registered, and nk is the one it was registered with. Public keys are public, so the key
;      alone would prove nothing; with check 2 it proves the signer is a registered voter.
;   4. nullifier = Poseidon(nk, electionId): fixed by the registered leaf, so a voter has one
;      nullifier per election and a second ballot is refused; it differs between elections, so
;      a voter's ballots in two elections cannot be linked. It is derived from nk, not from the
;      key: the registrar knows every key, and Poseidon(Ax, Ay, electionId) would tell it who
;      cast each ballot. The proof reveals neither the key nor the leaf.
;
; The child order is chosen without branching, as in merkle.asm: with d = bit * (sibling - node),
; left = node + d and right = sibling - d.

.public 2
.private 15
.outputs 2
.const DEPTH 4
.const BALLOT 0x62616c6c6f74        ; "ballot" in ASCII: the domain tag of a ballot message
.bound level, 3                     ; exactly DEPTH iterations: DEPTH - 1 backward jumps

        read r1                 ; r1 = electionId (public)
        read r2                 ; r2 = root (public)
        secret r3               ; r3 = Ax
        secret r4               ; r4 = Ay
        secret r5               ; r5 = nk
        secret r6               ; r6 = vote
        range r6, 1             ; 1. the vote is 0 or 1
        mov r7, BALLOT
        hash r7, r7, r1, r6     ; 2. r7 = M = Poseidon(BALLOT, electionId, vote)
        secret r8               ; r8 = S
        secret r9               ; r9 = R8x
        secret r10              ; r10 = R8y
        eddsa r3, r4, r8, r9, r10, r7   ; the key signed M (faults otherwise)
        hash r11, r3, r4, r5    ; 3. r11 = node, starts at the leaf Poseidon(Ax, Ay, nk)
        mov r12, DEPTH          ; r12 = levels still to hash
level:
        secret r13              ; r13 = sibling at this level
        secret r14              ; r14 = direction bit
        range r14, 1            ; the bit must be 0 or 1 (else a forged order could pass)
        sub r15, r13, r11       ; d = bit * (sibling - node)
        mul r15, r15, r14
        add r7, r11, r15        ; left
        sub r8, r13, r15        ; right
        hash r11, r7, r8        ; node one level up
        sub r12, r12, 1
        jnz r12, level
        assert_eq r11, r2       ; membership: the leaf lies under the public root
        hash r9, r5, r1         ; 4. r9 = nullifier = Poseidon(nk, electionId)
        write r6                ; vote
        write r9                ; nullifier
        halt
