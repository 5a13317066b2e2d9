"""zkvmc: a zero-knowledge virtual machine toolchain.

Pipeline (see docs/architecture.md): source -> asm.parse -> asm.assemble -> Program
-> vm.run | compiler.compile -> Circuit -> witness.solve -> groth16.setup/prove/verify.
"""

__version__ = "0.1.0"
