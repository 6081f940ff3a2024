def gui(): print("gui")
