package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol (a WebSocket, no library): opens a page,
 * evaluates expressions in it, takes screenshots of parts of it, and records every request the page made.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    /** The browser's executable: $SPINDLE_CHROMIUM, else chromium on the PATH; null when there is none. */
    static Path executable() {
        String configured = System.getenv("SPINDLE_CHROMIUM");
        if (configured != null) return Path.of(configured);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    HeadlessChromium(Path executable, Path profile) throws Exception {
        // --no-sandbox: the build may run as root, where Chromium's sandbox refuses to start.
        process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1400,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("chromium did not start: " + Files.readString(profile.resolveSibling("chromium.log")));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) if (t.path("type").asText().equals("page")) page = t.get("webSocketDebuggerUrl").asText();
        if (page == null) throw new IOException("chromium has no page target: " + targets);
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Loads {@code page} and waits for its load event (every image decoded by then). */
    void open(Path page) throws Exception {
        call("Network.enable", JSON.createObjectNode());
        call("Page.enable", JSON.createObjectNode());
        events.clear();
        call("Page.navigate", JSON.createObjectNode().put("url", page.toUri().toString()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.stream().noneMatch(e -> e.path("method").asText().equals("Page.loadEventFired"))) {
            if (System.nanoTime() > deadline) throw new IOException("page did not load: " + page);
            Thread.sleep(50);
        }
    }

    /** Every URL the page requested since {@link #open}. */
    List<String> requests() {
        return events.stream().filter(e -> e.path("method").asText().equals("Network.requestWillBeSent"))
                .map(e -> e.at("/params/request/url").asText()).toList();
    }

    /** The value of a JavaScript expression in the page (a promise is awaited), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("awaitPromise", true)
                .put("returnByValue", true));
        if (r.has("exceptionDetails")) throw new IOException("script failed in the page: " + r.get("exceptionDetails"));
        return r.at("/result/value");
    }

    /** A PNG of the page's rectangle at ({@code x}, {@code y}), in page coordinates, as it is painted. */
    byte[] screenshot(double x, double y, double width, double height) throws Exception {
        ObjectNode clip = JSON.createObjectNode().put("x", x).put("y", y).put("width", width).put("height", height).put("scale", 1);
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.set("clip", clip);
        return java.util.Base64.getDecoder().decode(call("Page.captureScreenshot", params).get("data").asText());
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(JSON.writeValueAsString(message), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) throw new IOException(method + " failed: " + reply.get("error"));
        return reply.get("result");
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** Collects a message's frames, then answers the call it replies to or keeps it as an event. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder frames = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            frames.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(frames.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    } else {
                        events.add(m);
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                frames.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
