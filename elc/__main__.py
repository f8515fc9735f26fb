from elc.cli import main

main()
