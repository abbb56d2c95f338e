"""``qalint server``: the language server (LSP over stdio), built on pygls and lsprotocol.

``convert`` turns qalint's findings, fixes and rule docs into LSP values; ``symbols`` lists a
page's questions; ``server`` wires them to the protocol. Only ``qalint server`` imports this
package, so the other commands never load pygls.
"""
