using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Management;

/// <summary>
/// The dashboard (issue 21) in real headless Chromium (Debian's, driven by Playwright) on the sample host run as its
/// own process: every service found, a chart that moves while requests are sent, a rolling restart clicked, confirmed
/// and seen through, a log line a request wrote in the tail, the service map's edge orders → catalog, a cache tag
/// invalidated, both themes, a narrow window, the keyboard, and no console error. A screenshot of the page is saved
/// as a test artifact (.artifacts/screenshots).
/// </summary>
[Collection(nameof(Mounting.StreamingCollection))] // a whole host process and a browser: with the other process tests
public sealed class DashboardTests
{
    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Watt.Embedded.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Watt.Embedded.sln not found above " + AppContext.BaseDirectory);
    }

    private static HostProcess StartSample()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var project = Path.Combine(Root(), "samples", "Monolith");
        return HostProcess.StartIn(project, Path.Combine(project, "bin", configuration, "net10.0", "Monolith.dll"),
            "--Watt:Metrics:Enabled=true", "--Watt:Metrics:Port=0", "--Watt:Management:Register=false");
    }

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
                : throw new InvalidOperationException("Chromium is not installed: the test command of README.md (scripts/test.sh) installs it with apt."),
            Headless = true,
            // This machine has no network: Chromium's own background connections would only fail.
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

    [Fact]
    public async Task The_dashboard_shows_the_sample_live_and_acts_on_it_in_Chromium()
    {
        using var sample = StartSample();
        var address = await sample.AddressAsync();
        using var client = new HttpClient { BaseAddress = address };
        await sample.GetWhenReadyAsync(client, async c => (await c.GetAsync("/notify/")).EnsureSuccessStatusCode(), "the sample's services answer");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, ColorScheme = ColorScheme.Light });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error")
            {
                lock (problems)
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add("page error: " + error);
            }
        };

        var response = await page.GotoAsync(new Uri(address, "/_watt").ToString());
        Assert.Equal(200, response!.Status);
        Assert.EndsWith("/_watt/", page.Url, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", (await response.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);

        // Every service, live.
        foreach (var service in new[] { "orders", "catalog", "notifications" })
        {
            await Expect(page.Locator($"article.service[data-service='{service}'] .badges .badge").First).ToHaveTextAsync("Running");
        }

        await Expect(page.Locator("#live")).ToHaveTextAsync("Live");
        await Expect(page.Locator("article.service[data-service='orders'] tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("article.service[data-service='notifications'] tbody tr td").Nth(4)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$")); // its node process id

        // A chart moves while requests are sent (and a call through the mesh draws the edge orders -> catalog).
        var chart = page.Locator("svg[data-chart='requests'][data-service='orders']");
        var before = double.Parse(await chart.GetAttributeAsync("data-sum") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        using (var traffic = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
        {
            while (!traffic.IsCancellationRequested)
            {
                (await client.GetAsync("/orders/1/product")).EnsureSuccessStatusCode();
            }
        }

        await Eventually.TrueAsync(
            async () => double.Parse(await chart.GetAttributeAsync("data-sum") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > before + 5,
            "the orders chart counts the requests sent", 15000);
        Assert.NotNull(await page.Locator("svg[data-chart='requests'][data-service='orders'] polyline").GetAttributeAsync("points"));
        var edge = page.Locator("#map g.edge[data-edge='orders→catalog']");
        await Expect(edge).ToHaveCountAsync(1);
        await Expect(edge.Locator("text")).ToContainTextAsync("req/s");
        await Expect(page.Locator("#map g.edge[data-edge='mount→orders'] text")).ToHaveTextAsync("/orders");

        // A log line written by a request appears in the tail; the level filter hides it, the service filter keeps it.
        var product = "Dashboard-" + Guid.NewGuid().ToString("N")[..8];
        (await client.PostAsJsonAsync("/orders", new { product, quantity = 3 })).EnsureSuccessStatusCode();
        var line = page.Locator("#logs li", new PageLocatorOptions { HasText = product });
        await Expect(line).ToBeVisibleAsync();
        await Expect(line.Locator(".log-service")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^orders(#\\d+)?$"));
        await page.SelectOptionAsync("#log-level", "3");
        await Expect(line).ToBeHiddenAsync();
        await page.SelectOptionAsync("#log-level", "2");
        await page.SelectOptionAsync("#log-service", "orders");
        await Expect(line).ToBeVisibleAsync();
        await page.SelectOptionAsync("#log-service", "catalog");
        await Expect(line).ToBeHiddenAsync();
        await page.SelectOptionAsync("#log-service", "");

        // A rolling restart: confirmed, shown while it runs, and each worker comes back new and Running.
        var rows = page.Locator("article.service[data-service='orders'] tbody tr");
        var since = new[] { await rows.Nth(0).GetAttributeAsync("data-since"), await rows.Nth(1).GetAttributeAsync("data-since") };
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Restart orders", Exact = true }).ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("Restart every worker of orders");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#toasts")).ToContainTextAsync("orders: restarting done", new LocatorAssertionsToContainTextOptions { Timeout = 30000 });
        await Eventually.TrueAsync(
            async () => await rows.Nth(0).GetAttributeAsync("data-since") != since[0] && await rows.Nth(1).GetAttributeAsync("data-since") != since[1]
                && await rows.Nth(0).GetAttributeAsync("data-state") == "Running" && await rows.Nth(1).GetAttributeAsync("data-state") == "Running",
            "both orders workers are new and running on the page", 15000);

        // A cache tag invalidated, confirmed.
        await page.FillAsync("#tag", "products");
        await page.ClickAsync("#invalidate button[type=submit]");
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("'products'");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#toasts")).ToContainTextAsync("Cache tag 'products' invalidated");

        // The keyboard: a button reached and pressed opens the confirmation; Escape closes it and nothing happens.
        var restartCatalog = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Restart catalog", Exact = true });
        await restartCatalog.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        await Expect(page.Locator("article.service[data-service='catalog'] .badge.pending")).ToHaveCountAsync(0);

        var screenshots = Path.Combine(Root(), ".artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard.png"), FullPage = true });

        // Dark, and a narrow window: one column, nothing wider than the window.
        await page.ClickAsync("#theme");
        Assert.Equal("dark", await page.EvaluateAsync<string>("document.documentElement.dataset.theme"));
        Assert.NotEqual("rgb(245, 246, 248)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        await page.SetViewportSizeAsync(480, 900);
        const string Wider = "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && getComputedStyle(e).position !== 'fixed' && !e.closest('.table-frame, .map-frame')).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8).join(', ')";
        await Task.Delay(500);
        Assert.Equal("", await page.EvaluateAsync<string>(Wider));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page fits a narrow window");
        Assert.Equal("", await page.EvaluateAsync<string>(Wider));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "dashboard-narrow-dark.png"), FullPage = true });

        lock (problems)
        {
            Assert.True(problems.Count == 0, string.Join('\n', problems));
        }
    }

    [Fact]
    public async Task The_dashboard_has_the_management_APIs_protection()
    {
        using var sample = StartSample();
        var address = await sample.AddressAsync();
        using var client = new HttpClient { BaseAddress = address };

        var local = await client.GetAsync("/_watt/dashboard.js");
        var forwarded = new HttpRequestMessage(HttpMethod.Get, "/_watt/");
        forwarded.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var crossSite = new HttpRequestMessage(HttpMethod.Get, "/_watt/");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/_watt/");
        rebound.Headers.Host = "attacker.example";

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", local.Content.Headers.ContentType?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(forwarded)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(crossSite)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(rebound)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/_watt/secrets.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/_watt/", null)).StatusCode);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
