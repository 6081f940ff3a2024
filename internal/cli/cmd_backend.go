package cli

// backendCommand is filled in by the issue that implements this command; until then
// the command is absent from the table.
func backendCommand() *command { return nil }
