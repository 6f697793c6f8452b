"""A reference peer for the benchmark: protocol v1's streaming subset on FastAPI + uvicorn, paced the way asyncio
code usually is (one task per reply, send, then asyncio.sleep). Run: /usr/bin/python3 peer_server.py PORT
"""
import asyncio
import json
import os
import re
import sys
import time
import uuid

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

PAUSE_S = 0.010
MODEL_GAP_S = 0.030
MODEL_WORDS = 60
# The text of agent-stream's SimulatedModelAgent.
MODEL_TEXT = ("Streaming a reply means every token should reach the reader when the model produced it. Proxies, "
              "buffers and batching transports like to hold small frames back and release them together, so a reply "
              "that was written over seconds appears in one instant. Flushing each chunk and keeping a small pause "
              "between sends lets the reader watch the answer grow, which is the whole point of streaming in the "
              "first place.").split(" ")
# As agent-stream's ChunkPublisher.words: each word keeps the whitespace after it.
WORD_START = re.compile(r"(?<=\s)(?=\S)")

app = FastAPI()


def frame(**fields):
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def model_words():
    words = [MODEL_TEXT[i % len(MODEL_TEXT)] + " " for i in range(MODEL_WORDS)]
    words[-1] = words[-1].rstrip(" ")
    return words


@app.get("/agent-stream/status")
async def status():
    return {"pid": os.getpid()}


@app.websocket("/agent-stream/chat")
async def chat(ws: WebSocket):
    await ws.accept()
    replies = set()
    try:
        while True:
            message = json.loads(await ws.receive_text())
            if message.get("type") != "message":
                continue
            task = asyncio.create_task(reply(ws, message))
            replies.add(task)
            task.add_done_callback(replies.discard)
    except WebSocketDisconnect:
        for task in replies:
            task.cancel()


async def reply(ws, message):
    agent = message.get("agent", "echo")
    model = agent == "simulated-model"
    message_id = str(uuid.uuid4())
    await ws.send_text(frame(type="stream_start", messageId=message_id, replyTo=message.get("id"), agent=agent,
                             conversationId=str(uuid.uuid4())))
    words = model_words() if model else WORD_START.split(message.get("content", ""))
    for seq, word in enumerate(words):
        if model:
            await asyncio.sleep(MODEL_GAP_S)
        await ws.send_text(frame(type="chunk", messageId=message_id, seq=seq, delta=word,
                                 sentAt=round(time.time_ns() / 1e6, 3)))
        await asyncio.sleep(PAUSE_S)
    await ws.send_text(frame(type="stream_end", messageId=message_id, replyTo=message.get("id"), status="complete",
                             chunks=len(words)))


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", backlog=4096)
