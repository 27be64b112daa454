"""What the ``digest`` command's exit status means, for cron and scripts.

0 done (even if some sources failed: their errors are printed and listed in the digest; a day
already emailed is not emailed again, and that is not an error), 1 the job could not be done
(for ``digest check``: something is wrong), 2 a usage or configuration error (nothing to read
included), 75 another run holds the lock (try again later, as sysexits' EX_TEMPFAIL says).
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process killed by SIGINT
