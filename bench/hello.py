"""A bare Flask "hello world": the throughput baseline, served by gunicorn exactly like the
CRM (`gunicorn -c gunicorn.conf.py bench.hello:app`, 2 workers) in the same benchmark run
and under the same load (see bench/throughput.py)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
