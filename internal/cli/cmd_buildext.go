package cli

// buildExtCommand is filled in by the issue that implements this command; until then
// the command is absent from the table.
func buildExtCommand() *command { return nil }
