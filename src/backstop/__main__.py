from backstop.cli import main

main()
