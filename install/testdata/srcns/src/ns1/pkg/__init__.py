def hello():
    print("hello from ns1.pkg")
