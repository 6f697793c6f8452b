// A reference peer for the benchmark: protocol v1's streaming subset on Node and ws, paced the way Node code
// usually is (send, then a 10 ms timer). Run: node peer-server.js PORT
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { WebSocketServer, WebSocket } = require('ws');

const PAUSE_MS = 10;
const MODEL_GAP_MS = 30;
const MODEL_WORDS = 60;
// The text of agent-stream's SimulatedModelAgent.
const MODEL_TEXT = ('Streaming a reply means every token should reach the reader when the model produced it. Proxies, '
  + 'buffers and batching transports like to hold small frames back and release them together, so a reply that was '
  + 'written over seconds appears in one instant. Flushing each chunk and keeping a small pause between sends lets '
  + 'the reader watch the answer grow, which is the whole point of streaming in the first place.').split(' ');
// As agent-stream's ChunkPublisher.words: each word keeps the whitespace after it.
const WORD_START = /(?<=\s)(?=\S)/;

function modelWords() {
  const words = [];
  for (let i = 0; i < MODEL_WORDS; i++) {
    words.push(MODEL_TEXT[i % MODEL_TEXT.length] + (i === MODEL_WORDS - 1 ? '' : ' '));
  }
  return words;
}

function epochMillis() {
  return Number((performance.timeOrigin + performance.now()).toFixed(3));
}

async function reply(ws, message) {
  const agent = message.agent || 'echo';
  const model = agent === 'simulated-model';
  const messageId = crypto.randomUUID();
  ws.send(JSON.stringify({ type: 'stream_start', messageId, replyTo: message.id, agent,
    conversationId: crypto.randomUUID() }));
  const words = model ? modelWords() : String(message.content || '').split(WORD_START);
  for (let seq = 0; seq < words.length; seq++) {
    if (model) {
      await sleep(MODEL_GAP_MS);
    }
    if (ws.readyState !== WebSocket.OPEN) {
      return;
    }
    ws.send(JSON.stringify({ type: 'chunk', messageId, seq, delta: words[seq], sentAt: epochMillis() }));
    await sleep(PAUSE_MS);
  }
  if (ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ type: 'stream_end', messageId, replyTo: message.id, status: 'complete',
      chunks: words.length }));
  }
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/agent-stream/status') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ pid: process.pid }));
  } else {
    response.writeHead(404);
    response.end();
  }
});

new WebSocketServer({ server, path: '/agent-stream/chat' }).on('connection', (ws) => {
  ws.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch (e) {
      return;
    }
    if (message.type === 'message') {
      reply(ws, message);
    }
  });
});

server.listen(Number(process.argv[2]), '127.0.0.1', 4096);
