"""What the command line's commands do, below its option parsing (`gkaudit.cli`).

`options` is the vocabulary (every option's help and declaration, shared by the commands that take
it), `startup` settles the language and the colours before click parses anything, and the other
modules are the bodies of the commands that are more than a call to `gkaudit.audit`.
"""
