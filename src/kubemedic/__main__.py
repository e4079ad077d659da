from kubemedic.cli import main

main()
