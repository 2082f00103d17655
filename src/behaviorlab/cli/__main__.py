from behaviorlab.cli import main

main()
