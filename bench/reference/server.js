// The benchmark's reference server: Parlor's minimal chat flow (register,
// login, create room, add members, join_room, send_message with ack,
// new_message broadcast, sync) written the usual way on Node's socket.io 4.8,
// state in memory, nothing stored.
//
//   node server.js [--port 3000] [--host 127.0.0.1]             one process
//   node server.js --cluster [N] [--port 3000]                  N workers (default: every core)
//
// Cluster mode follows socket.io's docs: Node cluster, @socket.io/sticky in
// the primary to route connections, @socket.io/cluster-adapter to broadcast
// across workers. The state lives in the primary and workers call it over
// IPC, because cluster workers share no memory.
"use strict";

const cluster = require("cluster");
const http = require("http");
const os = require("os");
const { Server } = require("socket.io");
const { Store, ApiError } = require("./store");

function parseArgs(argv) {
  const o = { port: 3000, host: "127.0.0.1", cluster: 0 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") o.port = Number(argv[++i]);
    else if (a === "--host") o.host = argv[++i];
    else if (a === "--cluster") {
      const n = Number(argv[i + 1]);
      if (Number.isInteger(n) && n > 0) {
        o.cluster = n;
        i++;
      } else o.cluster = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

const STATUS = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
};

function errorBody(e) {
  const code = e instanceof ApiError || (e && e.code in STATUS) ? e.code : "internal";
  return { code, message: (e && e.message) || code };
}

// ---- store access: direct, or over IPC to the primary ----

function remoteStore() {
  let nextCall = 1;
  const pending = new Map();
  process.on("message", (msg) => {
    if (!msg || msg.type !== "ref:reply") return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new ApiError(msg.error.code, msg.error.message));
    else p.resolve(msg.value);
  });
  return new Proxy(
    {},
    {
      get:
        (_, method) =>
        (...args) =>
          new Promise((resolve, reject) => {
            const id = nextCall++;
            pending.set(id, { resolve, reject });
            process.send({ type: "ref:call", id, method, args });
          }),
    },
  );
}

function serveStoreToWorkers(store) {
  cluster.on("message", (worker, msg) => {
    if (!msg || msg.type !== "ref:call") return;
    let reply;
    try {
      reply = { type: "ref:reply", id: msg.id, value: store[msg.method](...msg.args) };
    } catch (e) {
      reply = { type: "ref:reply", id: msg.id, error: errorBody(e) };
    }
    worker.send(reply);
  });
}

// ---- REST ----

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 2 * 1024 * 1024) reject(new ApiError("too_large", "body too large"));
      else chunks.push(c);
    });
    req.on("end", () => {
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new ApiError("invalid", "body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function restHandler(store, io) {
  return async (req, res) => {
    if (req.url.startsWith("/socket.io/")) return; // socket.io's own listener answers
    try {
      const url = new URL(req.url, "http://x");
      const path = url.pathname;
      if (req.method === "GET" && (path === "/healthz" || path === "/readyz"))
        return reply(res, 200, { ok: true });
      if (req.method === "POST" && path === "/api/auth/register")
        return reply(res, 200, await store.register(await readJson(req)));
      if (req.method === "POST" && path === "/api/auth/login")
        return reply(res, 200, await store.login(await readJson(req)));

      const auth = req.headers.authorization || "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      const user = await store.auth(token);

      if (req.method === "GET" && path === "/api/auth/me") return reply(res, 200, { user });
      if (req.method === "POST" && path === "/api/rooms") {
        const { room, member_ids } = await store.createRoom(user.id, await readJson(req));
        for (const m of member_ids) io.in(`user:${m}`).socketsJoin(`room:${room.id}`);
        return reply(res, 200, { room });
      }
      const members = /^\/api\/rooms\/([^/]+)\/members$/.exec(path);
      if (req.method === "POST" && members) {
        const { room, added } = await store.addMembers(user.id, members[1], await readJson(req));
        for (const m of added) io.in(`user:${m}`).socketsJoin(`room:${room.id}`);
        return reply(res, 200, { room });
      }
      throw new ApiError("not_found", "no such endpoint");
    } catch (e) {
      const error = errorBody(e);
      return reply(res, STATUS[error.code], { error });
    }
  };
}

// ---- Socket.IO ----

function ackError(e) {
  return { ok: false, error: errorBody(e) };
}

function attachSocketIo(io, store) {
  io.use(async (socket, next) => {
    try {
      socket.data.user = await store.auth((socket.handshake.auth || {}).token);
      next();
    } catch {
      next(new Error("unauthorized"));
    }
  });

  io.on("connection", async (socket) => {
    const user = socket.data.user;
    socket.join(`user:${user.id}`);
    // Register handlers before any await so no early event is missed.
    const on = (event, handler) =>
      socket.on(event, async (payload, ack) => {
        if (typeof ack !== "function") return;
        try {
          ack(await handler(payload || {}));
        } catch (e) {
          ack(ackError(e));
        }
      });

    on("join_room", async ({ room_id }) => {
      const { room } = await store.join(user.id, room_id);
      socket.join(`room:${room.id}`);
      return { ok: true, room };
    });
    on("leave_room", async ({ room_id }) => {
      socket.leave(`room:${room_id}`);
      return { ok: true };
    });
    on("send_message", async (payload) => {
      const { message, duplicate } = await store.send(user.id, payload);
      if (!duplicate) io.to(`room:${message.room_id}`).emit("new_message", { message });
      return { ok: true, message };
    });
    on("sync", async (payload) => {
      // subscribe first, then read, so nothing falls between the two
      for (const id of await store.roomsOf(user.id)) socket.join(`room:${id}`);
      return { ok: true, ...(await store.sync(user.id, payload)) };
    });

    for (const id of await store.roomsOf(user.id)) socket.join(`room:${id}`);
  });
}

function workerServer(opts, store, clustered) {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, transports: ["polling", "websocket"] });
  httpServer.on("request", restHandler(store, io));
  attachSocketIo(io, store);
  if (clustered) {
    const { createAdapter } = require("@socket.io/cluster-adapter");
    const { setupWorker } = require("@socket.io/sticky");
    io.adapter(createAdapter());
    setupWorker(io);
  } else {
    httpServer.listen(opts.port, opts.host, () =>
      console.log(`reference listening on ${opts.host}:${opts.port} (pid ${process.pid}, 1 process)`),
    );
  }
}

function main() {
  const opts = parseArgs(process.argv);
  if (cluster.isPrimary && opts.cluster > 0) {
    const { setupMaster } = require("@socket.io/sticky");
    const { setupPrimary } = require("@socket.io/cluster-adapter");
    const httpServer = http.createServer();
    setupMaster(httpServer, { loadBalancingMethod: "least-connection" });
    setupPrimary();
    serveStoreToWorkers(new Store());
    cluster.setupPrimary({ serialization: "advanced" });
    for (let i = 0; i < opts.cluster; i++) cluster.fork({ REF_CLUSTER: "1" });
    cluster.on("exit", (w, code, signal) => {
      console.error(`worker ${w.process.pid} exited (${signal || code})`);
    });
    httpServer.listen(opts.port, opts.host, () =>
      console.log(`reference listening on ${opts.host}:${opts.port} (pid ${process.pid}, ${opts.cluster} workers)`),
    );
    const stop = () => {
      for (const w of Object.values(cluster.workers)) w.kill();
      process.exit(0);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  } else if (cluster.isWorker) {
    workerServer(opts, remoteStore(), true);
  } else {
    workerServer(opts, new Store(), false);
    process.on("SIGTERM", () => process.exit(0));
    process.on("SIGINT", () => process.exit(0));
  }
}

main();
