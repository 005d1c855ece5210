print("odp")
