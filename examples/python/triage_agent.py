"""A trailgraph agent in Python: subscribe to marks over SSE, claim the work, publish the outcome, release.

It triages referrals: for every ReferralRequested mark it claims the referral (purpose "triage"), publishes a
ReferralTriaged event, and releases the claim. Several copies can run side by side: the claim's fencing token
decides who does each referral, and a copy that loses the race moves on.

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python triage_agent.py --url http://127.0.0.1:4000 --agent agent://triage-py [--count N]

Every action is printed as one JSON line on stdout.
"""
import argparse
import json
import sys

import requests
import sseclient

MARKS = """subscription Marks($where: MarkWhere, $after: Int) {
  marks(where: $where, after: $after) { seq eventId type changes { kind change id class } }
}"""


class Trailgraph:
    """GraphQL over HTTP (queries, mutations) and GraphQL over SSE (subscriptions), as the agent `agent`."""

    def __init__(self, url, agent, token=None):
        self.endpoint = url.rstrip("/") + "/graphql"
        self.session = requests.Session()
        self.session.headers["x-trailgraph-agent"] = agent
        if token:
            self.session.headers["authorization"] = "Bearer " + token

    def graphql(self, query, variables=None):
        res = self.session.post(self.endpoint, json={"query": query, "variables": variables or {}}, timeout=30)
        body = res.json()
        if body.get("errors"):
            first = body["errors"][0]
            raise RuntimeError("%s [%s]" % (first["message"], first.get("extensions", {}).get("code")))
        return body["data"]

    def head_seq(self):
        return self.graphql("{ headSeq }")["headSeq"]

    def marks(self, where, after):
        """Yields marks after seq `after`, in order (distinct-connections GraphQL over SSE)."""
        res = self.session.post(
            self.endpoint,
            json={"query": MARKS, "variables": {"where": where, "after": after}},
            headers={"accept": "text/event-stream"},
            stream=True,
            timeout=(10, None),
        )
        res.raise_for_status()
        for event in sseclient.SSEClient(res).events():
            if event.event == "complete":
                return
            if event.event != "next":
                continue
            payload = json.loads(event.data)
            if payload.get("errors"):
                raise RuntimeError(payload["errors"][0]["message"])
            yield payload["data"]["marks"]

    def claim(self, node, purpose, ttl_ms):
        return self.graphql(
            "mutation($n: ID!, $p: String!, $t: Int!) { claim(node: $n, purpose: $p, ttlMs: $t) { granted token } }",
            {"n": node, "p": purpose, "t": ttl_ms},
        )["claim"]

    def release(self, node, purpose, token):
        return self.graphql(
            "mutation($n: ID!, $p: String!, $k: Int!) { releaseClaim(node: $n, purpose: $p, token: $k) }",
            {"n": node, "p": purpose, "k": token},
        )["releaseClaim"]

    def publish(self, event):
        return self.graphql(
            "mutation($e: JSON!) { publishEvent(event: $e) { eventId status seq } }", {"e": event}
        )["publishEvent"]


def say(**fields):
    print(json.dumps(fields), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--agent", default="agent://triage-py")
    parser.add_argument("--token", default=None, help="bearer token when the service has auth on")
    parser.add_argument("--count", type=int, default=0, help="stop after triaging this many (0 = run forever)")
    args = parser.parse_args()

    tg = Trailgraph(args.url, args.agent, args.token)
    after = tg.head_seq()  # live marks only; pass a saved seq instead to resume without a gap
    say(ready=True, after=after)
    done = 0
    for mark in tg.marks({"eventTypes": ["ReferralRequested"]}, after):
        for change in mark["changes"]:
            if change["kind"] != "node" or change["class"] != "Referral":
                continue
            referral = change["id"]
            claim = tg.claim(referral, "triage", 30000)
            if not claim["granted"]:
                say(skipped=referral, seq=mark["seq"])
                continue
            try:
                outcome = tg.publish({
                    "specversion": "1.0",
                    "id": "triage-%s-%d" % (referral, claim["token"]),
                    "source": args.agent,
                    "type": "ReferralTriaged",
                    "subject": "Referral/" + referral,
                    "data": {"@type": "Referral", "id": referral, "triageLevel": "soon"},
                })
                say(triaged=referral, token=claim["token"], status=outcome["status"], seq=outcome["seq"])
            finally:
                tg.release(referral, "triage", claim["token"])
            done += 1
            if args.count and done >= args.count:
                return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
