import sys

from grading_service.cli import main

sys.exit(main())
