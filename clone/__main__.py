from clone.cli import main

main()
