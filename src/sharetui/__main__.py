from sharetui.cli import main

raise SystemExit(main())
