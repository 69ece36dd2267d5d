import sys

from skill.toolkit.cli import main

sys.exit(main())
