from leadsig.flows.cli import main

main()
