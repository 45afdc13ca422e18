"""A bare Flask "hello world": the throughput baseline, served by gunicorn exactly like the
CRM (`gunicorn --workers 2 bench.hello:app`) in the same benchmark run."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
