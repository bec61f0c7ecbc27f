"""Text of the files portals attach to their pages (.xls .xlsx .et .doc .docx .wps .pdf).

`sniff` tells the formats apart by their first bytes, `readers` turns each into text with the
libraries chosen in bench/attachments.py, and `worker` runs the readers in a child process
under a deadline, since attachments are hostile input: a zip bomb, an entity expansion or a PDF
that never ends parsing must cost one file's `error`, never the scan.
"""
