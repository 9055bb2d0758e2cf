"""Sending a saved printout to a printer through CUPS ``lp``.

Paper is optional at the desk: a receipt or slip is always saved as a PDF
first (``ils.printouts.save_pdf``), and only sent on when the desk has a
printer configured.  So a failure here never undoes a loan; it becomes a
message naming the printer and the PDF, which can be printed again by hand.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Final

from ils.errors import Invalid
from ils.i18n import _

#: ``lp`` only hands the file to the spooler, which takes a moment; it hangs
#: only when the print server is out of reach, as on an offline branch.
LP_TIMEOUT_SECONDS: Final[float] = 30


def send_to_printer(pdf_path: Path, destination: str) -> None:
    """Queue ``pdf_path`` on the CUPS printer ``destination`` (``lp -d DESTINATION FILE``).

    Raises Invalid, with ``lp``'s own words when it gives any, if ``lp`` is not
    installed, refuses the job or does not answer in ``LP_TIMEOUT_SECONDS``.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise Invalid(
            "printer.print_lp_command_cups",
            "Cannot print: the lp command (CUPS) is not installed. The printout is saved at {path}.",
            path=pdf_path,
        )
    # An absolute path can never be mistaken for an option of lp.
    command = [lp, "-d", destination, str(pdf_path.resolve())]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=LP_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as error:
        raise Invalid(
            "printer.printer_did_answer_printout",
            "Printer {printer} did not answer; the printout is saved at {path}.",
            printer=destination,
            path=pdf_path,
        ) from error
    if result.returncode != 0:
        reason = result.stderr.strip() or _("lp exited with status {status}").format(status=result.returncode)
        raise Invalid(
            "printer.printer_refused_printout_saved",
            "Printer {printer} refused the printout ({reason}); it is saved at {path}.",
            printer=destination,
            reason=reason,
            path=pdf_path,
        )
