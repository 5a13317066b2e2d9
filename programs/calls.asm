; calls.asm: subroutines with call/ret, one of them calling another.
;
;   public inputs: x1, x2, x3
;   outputs:       p(x1), p(x2), p(x3)   where p(x) = x^3 + 2x + 5 (mod r)
;
; Calling convention (by agreement, the machine has none): the argument is in r1, `poly`
; returns its result in r2, `cube` in r3; r1 is preserved. The call stack holds at most 64
; return addresses; here it never holds more than 2.

.public 3
.outputs 3

        read r1
        call poly               ; r2 = p(x1)
        write r2
        read r1
        call poly               ; r2 = p(x2)
        write r2
        read r1
        call poly               ; r2 = p(x3)
        write r2
        halt                    ; without it the run would fall into `poly` and `ret` on an empty stack

; poly: r2 = r1^3 + 2*r1 + 5
poly:
        call cube               ; nested call: r3 = r1^3
        mul r2, r1, 2
        add r2, r2, r3
        add r2, r2, 5
        ret

; cube: r3 = r1^3
cube:
        mul r3, r1, r1
        mul r3, r3, r1
        ret
