from soreadvisor.cli import main

main()
