package cli

// migrateCommand is filled in by the issue that implements this command; until then
// the command is absent from the table.
func migrateCommand() *command { return nil }
