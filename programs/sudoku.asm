; sudoku.asm: check a 4x4 sudoku solution against the puzzle's givens.
;
;   private input: the 16 cells of the solution, row by row, each 1..4
;   outputs:       none (a run that halts is the statement "this puzzle has a solution")
;
; The puzzle (0 = blank) and the list of the 12 groups (4 rows, 4 columns, 4 boxes of 2x2)
; are initial memory from `.data`, so they are constants of the circuit, not inputs.
; A group holds 1, 2, 3, 4 exactly once iff its four values, each in 1..4, have sum 10 and
; product 24 (the only other multisets of 1..4 with sum 10 are {1,1,4,4}, {2,2,3,3},
; {1,3,3,3} and {2,2,2,4}, with products 16, 36, 27 and 32).

.private 16
.outputs 0
.const PUZZLE 0                 ; cells 0..15: the givens
.const GROUPS 16                ; cells 16..63: 12 groups x 4 cell indices
.const SOL 100                  ; cells 100..115: the solution
.const CELLS 16
.const NGROUPS 12

;        the puzzle           its solution (the input file)
;        1 . | . 4            1 2 | 3 4
;        . . | 1 .            3 4 | 1 2
;        ----+----            ----+----
;        . 1 | . .            2 1 | 4 3
;        4 . | . 1            4 3 | 2 1
.data 0:  1, 0, 0, 4
.data 4:  0, 0, 1, 0
.data 8:  0, 1, 0, 0
.data 12: 4, 0, 0, 1

.data 16: 0, 1, 2, 3            ; rows
.data 20: 4, 5, 6, 7
.data 24: 8, 9, 10, 11
.data 28: 12, 13, 14, 15
.data 32: 0, 4, 8, 12           ; columns
.data 36: 1, 5, 9, 13
.data 40: 2, 6, 10, 14
.data 44: 3, 7, 11, 15
.data 48: 0, 1, 4, 5            ; boxes
.data 52: 2, 3, 6, 7
.data 56: 8, 9, 12, 13
.data 60: 10, 11, 14, 15

        ; ---- read the solution: every cell in 1..4 and equal to the given where there is one
        mov r1, 0               ; r1 = cell index
cells:
        secret r2               ; v = solution cell
        sub r3, r2, 1
        range r3, 2             ; v - 1 < 4, i.e. v in 1..4 (v = 0 wraps to r - 1 and fails)
        load r4, [r1 + PUZZLE]  ; g = the given, 0 for a blank
        sub r5, r2, r4
        mul r5, r5, r4          ; g * (v - g) is 0 iff g = 0 (blank) or v = g
        assert_eq r5, 0
        store [r1 + SOL], r2
        add r1, r1, 1
        eq r6, r1, CELLS
        jz r6, cells            ; 16 times

        ; ---- every row, column and box is a permutation of 1..4
        mov r1, GROUPS          ; r1 = address of the group's first cell index
        mov r7, NGROUPS         ; r7 = groups left
group:
        load r2, [r1]           ; the group's four cell indices ...
        load r3, [r1 + 1]
        load r4, [r1 + 2]
        load r5, [r1 + 3]
        load r2, [r2 + SOL]     ; ... and their values (addresses computed from loaded data)
        load r3, [r3 + SOL]
        load r4, [r4 + SOL]
        load r5, [r5 + SOL]
        add r8, r2, r3
        add r8, r8, r4
        add r8, r8, r5
        assert_eq r8, 10        ; sum 10
        mul r8, r2, r3
        mul r8, r8, r4
        mul r8, r8, r5
        assert_eq r8, 24        ; product 24
        add r1, r1, 4
        sub r7, r7, 1
        jnz r7, group
        halt
