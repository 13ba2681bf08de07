package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.cli.ImagineCommand;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web chat in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium) on the
 * real service and the tiny model, as a person uses it. Skipped, with the reason printed, where Chromium is not
 * installed ({@code .ci/run} installs it). Screenshots go to {@code target/web-screenshots/}.
 */
class WebBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "web-screenshots");
    private static final String PASSWORD = "browser test password";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ImagineService service;
    private WebAdapter web;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void needsChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            System.out.println("WebBrowserTest skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are not installed "
                    + "(apt-get install chromium chromium-driver; .ci/run does this)");
        }
        assumeTrue(present, "Chromium is not installed");
    }

    private void start(String webYaml, Map<String, String> env) throws IOException {
        start("limits:\n  max-jobs-per-user: 5\n  rate:\n    burst: 50\n    refill: 50\n", webYaml, env);
    }

    private void start(String limitsYaml, String webYaml, Map<String, String> env) throws IOException {
        if (!Files.exists(dir.resolve("model"))) {
            DemoModel.writeTiny(dir.resolve("model"));
        }
        String yaml = "engine:\n  model: " + dir.resolve("model") + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n"
                + limitsYaml
                + "web:\n  port: 0\n" + webYaml;
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir, env);
        Function<ImagineConfig, ChatAdapter> factory = c -> {
            web = new WebAdapter(c.web());
            return web;
        };
        try {
            service = ImagineService.start(config, Map.of(Platform.WEB, factory), Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void stopService() {
        if (service != null) {
            service.close(Duration.ofSeconds(30));
            service = null;
        }
    }

    @AfterEach
    void stop() {
        browsers.forEach(WebDriver::quit);
        stopService();
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,1100", "--lang=en");
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(driverService, options);
        browsers.add(browser);
        return browser;
    }

    private static WebDriverWait waiting(WebDriver browser) {
        return new WebDriverWait(browser, WAIT);
    }

    private static void type(WebDriver browser, String text) {
        WebElement prompt = browser.findElement(By.cssSelector("textarea[id=prompt]"));
        assertThat(browser.findElement(By.cssSelector("label[for=prompt]")).getAttribute("textContent"))
                .isEqualTo("Prompt");
        prompt.clear();
        prompt.sendKeys(text);
    }

    /** The pictures shown whose alt text contains {@code alt}. */
    @SuppressWarnings("unchecked")
    private static List<WebElement> pictures(WebDriver browser, String alt) {
        // "Seed 5" must not match a re-roll's "Seed 5123...": a text ending in a digit matches only where no digit
        // follows it.
        return (List<WebElement>) ((JavascriptExecutor) browser).executeScript("const text = arguments[0];"
                + "const whole = (alt) => { for (let i = alt.indexOf(text); i >= 0; i = alt.indexOf(text, i + 1)) {"
                + "  if (!/[0-9]/.test(text.slice(-1)) || !/[0-9]/.test(alt.charAt(i + text.length))) return true; }"
                + "  return false; };"
                + "return [...document.querySelectorAll('#timeline figure img')].filter((img) => whole(img.alt));", alt);
    }

    private static WebElement awaitPicture(WebDriver browser, String alt, int count) throws IOException {
        try {
            return waiting(browser).ignoring(StaleElementReferenceException.class).until(b -> {
                List<WebElement> found = pictures(b, alt);
                return found.size() >= count && complete(b, found.get(0)) ? found.get(0) : null;
            });
        } catch (TimeoutException e) {
            screenshot(browser, "failed-waiting-for-" + alt.replaceAll("[^A-Za-z0-9]", "-"));
            Files.writeString(SCREENSHOTS.resolve("failed-waiting-for-" + alt.replaceAll("[^A-Za-z0-9]", "-")
                    + ".html"), browser.getPageSource());
            throw new AssertionError("No finished picture whose alt text contains \"" + alt + "\" within " + WAIT
                    + "; the timeline read: " + browser.findElement(By.id("timeline")).getText(), e);
        }
    }

    private static boolean complete(WebDriver browser, WebElement img) {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", img));
    }

    private static WebElement card(WebElement img) {
        return img.findElement(By.xpath("./ancestor::li[contains(@class,'card')]"));
    }

    private byte[] bytes(WebDriver browser, WebElement img) {
        WebClient client = new WebClient(web.url());
        String cookie = browser.manage().getCookieNamed(Sessions.COOKIE) == null ? null
                : browser.manage().getCookieNamed(Sessions.COOKIE).getValue();
        WebClient.Answer answer = client.send(java.net.http.HttpRequest.newBuilder(
                web.url().resolve(img.getAttribute("src"))).headers(cookie == null ? new String[] {"X-Any", "1"}
                        : new String[] {"Cookie", Sessions.COOKIE + "=" + cookie}).GET());
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private byte[] imagineGenerate(String prompt, long seed, int steps, int size) throws IOException {
        Path out = dir.resolve("cli-" + seed + ".png");
        StringWriter err = new StringWriter();
        int status = ImagineCommand.run(new String[] {"generate", "--model", dir.resolve("model").toString(),
            "--prompt", prompt, "--seed", Long.toString(seed), "--steps", Integer.toString(steps), "--width",
            Integer.toString(size), "--height", Integer.toString(size), "--out", out.toString(), "--no-progress",
            "--data", dir.resolve("cli-data").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(status).as("imagine generate: %s", err).isZero();
        return Files.readAllBytes(out);
    }

    @Test
    void aLocalUserGeneratesWatchesProgressRerollsUploadsAndReloadsThenRerunsAfterARestart() throws Exception {
        start("", Map.of());
        WebDriver browser = browser();
        browser.get(web.url().toString());
        waiting(browser).until(b -> b.findElement(By.id("chat")).isDisplayed());
        ((JavascriptExecutor) browser).executeScript("window.progressSeen = [];"
                + "new MutationObserver((changes) => changes.forEach((c) => {"
                + "  if (c.target.tagName === 'PROGRESS') window.progressSeen.push(c.target.getAttribute('value'));"
                + "})).observe(document.getElementById('timeline'),"
                + " {attributes: true, subtree: true, attributeFilter: ['value']});");

        // Generate with Enter: live progress, then the picture with its seed in the alt text and a caption.
        type(browser, "a lighthouse at dusk --seed 5 --steps 4 --size 64x64");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement first = awaitPicture(browser, "Seed 5", 1);
        assertThat(first.getAttribute("alt")).contains("a lighthouse at dusk").contains("Seed 5");
        @SuppressWarnings("unchecked")
        List<Object> progress = (List<Object>) ((JavascriptExecutor) browser).executeScript(
                "return window.progressSeen;");
        assertThat(progress.stream().map(String::valueOf).distinct().count()).as("progress values %s", progress)
                .isGreaterThanOrEqualTo(2);
        WebElement firstCard = card(first);
        assertThat(firstCard.findElement(By.cssSelector(".caption")).getText()).contains("Seed 5")
                .contains("4 steps").contains("64x64");
        byte[] firstPng = bytes(browser, first);
        assertThat(pixels(firstPng)).isEqualTo(pixels(imagineGenerate("a lighthouse at dusk", 5, 4, 64)));

        // Re-roll: the same prompt with a new seed, as a new card on top.
        firstCard.findElement(By.xpath(".//button[normalize-space()='Re-roll']")).click();
        WebElement rerolled = waiting(browser).until(b -> {
            List<WebElement> all = pictures(b, "a lighthouse at dusk");
            return all.size() >= 2 && !all.get(0).getAttribute("alt").matches("(?s).*Seed 5(?![0-9]).*") ? all.get(0)
                    : null;
        });
        assertThat(rerolled.getAttribute("alt")).containsPattern("Seed [0-9]+");
        for (String name : List.of("Rerun", "Vary", "Upscale", "Delete")) {
            assertThat(card(rerolled).findElements(By.xpath(".//button[normalize-space()='" + name + "']")))
                    .as(name).isNotEmpty();
        }
        WebElement download = card(first).findElement(By.linkText("Download"));
        assertThat(download.getAttribute("href")).isEqualTo(first.getAttribute("src") + "?download=1");
        assertThat(download.getAttribute("download")).matches("imagine-[0-9]+-1\\.png");

        // A bad flag: the bot's reply names the flag it meant, inline.
        type(browser, "a fox --sed 3");
        browser.findElement(By.xpath("//button[normalize-space()='Generate']")).click();
        WebElement refusal = waiting(browser).until(b -> b.findElements(By.cssSelector(".card.refused [role=alert]"))
                .stream().findFirst().orElse(null));
        assertThat(refusal.getText()).contains("--sed").contains("--seed");

        // img2img: a picture from the file input with a caption.
        Path upload = dir.resolve("upload.png");
        BufferedImage source = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                source.setRGB(x, y, (x * 255 / 95) << 16 | (y * 255 / 63) << 8 | 160);
            }
        }
        ImageIO.write(source, "png", upload.toFile());
        browser.findElement(By.id("image")).sendKeys(upload.toAbsolutePath().toString());
        // The strength typed as a flag is the one used, not the slider's untouched 0.75.
        type(browser, "an oil painting --steps 2 --size 64x64 --strength 0.5");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement painted = awaitPicture(browser, "an oil painting", 1);
        long paintedId = Long.parseLong(card(painted).getAttribute("data-id"));
        JsonNode paintedJson = new WebClient(web.url()).get("/api/generations/" + paintedId).json();
        assertThat(paintedJson.path("kind").asText()).isEqualTo("img2img");
        assertThat(paintedJson.path("parameters").path("strength").asDouble()).isEqualTo(0.5);

        // Reloading shows the history from storage, newest first.
        browser.navigate().refresh();
        awaitPicture(browser, "Seed 5", 1);
        List<String> order = browser.findElements(By.cssSelector("#timeline figure img")).stream()
                .map(img -> img.getAttribute("alt")).toList();
        assertThat(order.get(0)).contains("an oil painting");
        assertThat(order.get(order.size() - 1)).contains("Seed 5");
        screenshot(browser, "web-chat");
        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth")).intValue()).as("no sideways scrolling at phone width")
                .isLessThanOrEqualTo(390);
        screenshot(browser, "web-chat-phone");
        browser.manage().window().setSize(new Dimension(1000, 1100));

        // Restart the service: the page comes back from storage and Rerun gives the same pixels.
        stopService();
        start("", Map.of());
        browser.get(web.url().toString());
        WebElement again = awaitPicture(browser, "Seed 5", 1);
        card(again).findElement(By.xpath(".//button[normalize-space()='Rerun']")).click();
        WebElement rerun = awaitPicture(browser, "Seed 5", 2);
        assertThat(Long.parseLong(card(rerun).getAttribute("data-id")))
                .isGreaterThan(Long.parseLong(card(again).getAttribute("data-id")));
        assertThat(pixels(bytes(browser, rerun))).isEqualTo(pixels(firstPng));
    }

    @Test
    void aPastedOrDroppedPictureIsTakenAndABadOneAndTheRateLimitAreAnsweredInline() throws Exception {
        start("limits:\n  rate:\n    burst: 1\n    refill: 1\n    refill-period: 1h\n", "", Map.of());
        WebDriver browser = browser();
        browser.get(web.url().toString());
        waiting(browser).until(b -> b.findElement(By.id("chat")).isDisplayed());

        // A picture pasted into the prompt is taken (its preview shows); then removed again.
        ((JavascriptExecutor) browser).executeScript("const files = new DataTransfer();"
                + "files.items.add(new File(['GIF89a pasted'], 'pasted.png', {type: 'image/png'}));"
                + "document.getElementById('prompt').dispatchEvent(new ClipboardEvent('paste',"
                + " {clipboardData: files, bubbles: true, cancelable: true}));");
        waiting(browser).until(b -> b.findElement(By.id("dropped")).isDisplayed());
        browser.findElement(By.id("dropped-clear")).click();
        assertThat(browser.findElement(By.id("dropped")).isDisplayed()).isFalse();

        // A file dropped on the form that is not a picture: the bot's sentence, inline, and the prompt stays.
        ((JavascriptExecutor) browser).executeScript("const files = new DataTransfer();"
                + "files.items.add(new File(['GIF89a this is not really a picture'], 'dropped.png',"
                + " {type: 'image/png'}));"
                + "document.getElementById('compose').dispatchEvent(new DragEvent('drop',"
                + " {dataTransfer: files, bubbles: true, cancelable: true}));");
        waiting(browser).until(b -> b.findElement(By.id("dropped")).isDisplayed());
        type(browser, "an oil painting --steps 2 --size 64x64");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement badPicture = waiting(browser).until(b -> b.findElements(By.cssSelector(".card.refused [role=alert]"))
                .stream().findFirst().orElse(null));
        assertThat(badPicture.getText()).contains("not a PNG, JPEG or WebP image");
        assertThat(browser.findElement(By.id("prompt")).getAttribute("value")).contains("an oil painting");
        browser.findElement(By.id("dropped-clear")).click();

        // The one picture of the burst, then the rate limit's sentence with when to try again.
        type(browser, "a lighthouse --seed 5 --steps 2 --size 64x64");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        awaitPicture(browser, "Seed 5", 1);
        type(browser, "a second lighthouse --steps 2 --size 64x64");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement limited = waiting(browser).until(b -> b.findElements(By.cssSelector(".card.refused [role=alert]"))
                .stream().filter(e -> e.getText().contains("used your images")).findFirst().orElse(null));
        assertThat(limited.getText()).contains("try again in");
        assertThat(browser.findElements(By.cssSelector("#timeline figure img"))).hasSize(1);
        screenshot(browser, "web-chat-refusals");
    }

    @Test
    void olderPicturesComeInPagesWithShowOlder() throws Exception {
        start("limits:\n  max-jobs-per-user: 11\n  rate:\n    burst: 50\n    refill: 50\n", "", Map.of());
        WebClient script = new WebClient(web.url());
        script.session();
        script.listen();
        for (int i = 0; i <= WebAdapter.PAGE; i++) {
            assertThat(script.post("/api/prompts", Map.of("text", "picture " + i + " --steps 1 --size 64x64"))
                    .status()).isEqualTo(202);
        }
        for (int count = 1; script.events(0).stream().filter(e -> e.name().equals("done")).count() <= WebAdapter.PAGE;
                count++) {
            assertThat(script.awaitEvents(count, WAIT)).as("events %s", script.events(0)).isTrue();
        }
        script.close();

        WebDriver browser = browser();
        browser.get(web.url().toString());
        awaitPicture(browser, "picture " + WebAdapter.PAGE + " ", 1);
        waiting(browser).until(b -> b.findElements(By.cssSelector("#timeline figure img")).size() == WebAdapter.PAGE);
        assertThat(pictures(browser, "picture 0 ")).isEmpty();
        WebElement older = browser.findElement(By.xpath("//button[normalize-space()='Show older']"));
        assertThat(older.isDisplayed()).isTrue();
        older.click();
        waiting(browser).until(b -> !pictures(b, "picture 0 ").isEmpty());
        List<WebElement> all = browser.findElements(By.cssSelector("#timeline figure img"));
        assertThat(all).hasSize(WebAdapter.PAGE + 1);
        assertThat(all.get(0).getAttribute("alt")).startsWith("picture " + WebAdapter.PAGE + " ");
        assertThat(all.get(WebAdapter.PAGE).getAttribute("alt")).startsWith("picture 0 ");
        assertThat(older.isDisplayed()).isFalse();
    }

    @Test
    void aLateAnswerAboutAJobNeverTakesItsFinishedPictureAway() throws Exception {
        start("", Map.of());
        WebDriver browser = browser();
        browser.get(web.url().toString());
        waiting(browser).until(b -> b.findElement(By.id("chat")).isDisplayed());
        // Every read of one generation is answered late, as on a slow connection: the page has the finished job
        // from its event stream before the earlier read's answer (taken while the job was queued) arrives.
        ((JavascriptExecutor) browser).executeScript("window.lateAnswers = 0; const plain = window.fetch;"
                + "window.fetch = (url, options) => plain(url, options).then((answer) => {"
                + "  if (!/^\\/api\\/generations\\/[0-9]+$/.test(url)) return answer;"
                + "  window.lateAnswers++;"
                + "  return new Promise((resolve) => setTimeout(() => { window.lateAnswers--; resolve(answer); },"
                + "    1500));"
                + "});");
        type(browser, "a late lighthouse --seed 6 --steps 2 --size 64x64");
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement shown = awaitPicture(browser, "Seed 6", 1);
        ((JavascriptExecutor) browser).executeScript("arguments[0].dataset.seen = 'yes';", shown);
        waiting(browser).until(b -> ((Number) ((JavascriptExecutor) b).executeScript(
                "return window.lateAnswers")).intValue() == 0);
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll('#timeline img[data-seen=yes]').length")).intValue())
                .as("the picture first shown is still there, untouched, after the late answers").isEqualTo(1);
        assertThat(pictures(browser, "Seed 6")).hasSize(1);
        assertThat(card(shown).findElement(By.cssSelector(".status")).isDisplayed()).isFalse();
    }

    @Test
    void withAPasswordEachLoginIsItsOwnUserAndTheChecksRefuseWhatTheyMust() throws Exception {
        start("", Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        WebDriver alice = browser();
        alice.get(web.url().toString());
        waiting(alice).until(b -> b.findElement(By.id("login")).isDisplayed());

        alice.findElement(By.id("login-name")).sendKeys("alice");
        alice.findElement(By.id("login-password")).sendKeys("wrong password");
        alice.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
        waiting(alice).until(b -> b.findElement(By.id("login-error")).getText().contains("not right"));
        assertThat(alice.findElement(By.id("chat")).isDisplayed()).isFalse();

        alice.findElement(By.id("login-password")).clear();
        alice.findElement(By.id("login-password")).sendKeys(PASSWORD + Keys.ENTER);
        waiting(alice).until(b -> b.findElement(By.id("chat")).isDisplayed());
        assertThat(alice.manage().getCookieNamed(Sessions.COOKIE).isHttpOnly()).isTrue();
        assertThat(alice.manage().getCookieNamed(Sessions.COOKIE).getSameSite()).isEqualTo("Strict");
        type(alice, "alices secret garden --seed 9 --steps 2 --size 64x64");
        alice.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        awaitPicture(alice, "Seed 9", 1);

        // A state-changing request without the page's CSRF token is refused, even with the session cookie.
        Object status = ((JavascriptExecutor) alice).executeAsyncScript("const done = arguments[0];"
                + "fetch('/api/prompts', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({text: 'a forged prompt'})}).then((r) => done(r.status));");
        assertThat(((Number) status).intValue()).isEqualTo(403);

        WebDriver bob = browser();
        bob.get(web.url().toString());
        waiting(bob).until(b -> b.findElement(By.id("login")).isDisplayed());
        bob.findElement(By.id("login-name")).sendKeys("bob");
        bob.findElement(By.id("login-password")).sendKeys(PASSWORD + Keys.ENTER);
        waiting(bob).until(b -> b.findElement(By.id("chat")).isDisplayed());
        assertThat(bob.findElement(By.id("who")).getText()).isEqualTo("Signed in as bob");
        assertThat(bob.findElements(By.cssSelector("#timeline .card"))).isEmpty();
        assertThat(bob.getPageSource()).doesNotContain("alices secret garden");
        screenshot(bob, "web-chat-second-user");

        alice.navigate().refresh();
        assertThat(awaitPicture(alice, "Seed 9", 1).getAttribute("alt")).contains("alices secret garden");
    }
}
