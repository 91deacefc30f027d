"""``python -m gdanim`` is the ``gdanim`` command."""

from gdanim.cli import main

main()
