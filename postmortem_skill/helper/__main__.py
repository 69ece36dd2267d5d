import sys

from postmortem_skill.helper.cli import main

sys.exit(main())
