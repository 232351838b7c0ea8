package io.wasmchord.wasm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server of the browser tests, on 127.0.0.1: the npm package under /pkg/, the shared models
 * under /models/, benchmark models under /extra/, a blank page at /, and pages or endpoints a test adds.
 */
final class TestServer implements AutoCloseable {
    private static final String BLANK = "<!doctype html><meta charset=utf-8><title>wasm-chord</title>";

    /** Answers one request to a path a test added. */
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Handler> routes = new HashMap<>();

    TestServer(Path npmDirectory, Path modelsDirectory, Path extraDir) throws IOException {
        Path models = modelsDirectory.toAbsolutePath();
        Path npmDir = npmDirectory.toAbsolutePath();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads); // a route may wait (a long poll) while files are served
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            Handler route;
            synchronized (routes) {
                route = routes.get(path);
            }
            if (route != null) {
                route.handle(ex);
            } else if (path.equals("/")) {
                send(ex, 200, "text/html", BLANK.getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/pkg/")) {
                sendFile(ex, npmDir, path.substring("/pkg/".length()));
            } else if (path.startsWith("/extra/") && extraDir != null) {
                sendFile(ex, extraDir.toAbsolutePath(), path.substring("/extra/".length()));
            } else if (path.startsWith("/models/")) {
                sendFile(ex, models, path.substring("/models/".length()));
            } else {
                send(ex, 404, "text/plain", new byte[0]);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void route(String path, Handler handler) {
        synchronized (routes) {
            routes.put(path, handler);
        }
    }

    static void sendFile(HttpExchange ex, Path root, String relative) throws IOException {
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
            send(ex, 404, "text/plain", new byte[0]);
            return;
        }
        String name = file.getFileName().toString();
        String type = name.endsWith(".js") ? "text/javascript"
                : name.endsWith(".wasm") ? "application/wasm"
                : name.endsWith(".json") ? "application/json" : "application/octet-stream";
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = ex.getResponseBody()) {
            Files.copy(file, out); // streamed: models may be larger than a Java array
        }
    }

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
