using Microsoft.AspNetCore.Mvc;

namespace Monolith.Controllers;

/// <summary>The monolith's own pages and routes: they keep working next to the mounted services.</summary>
public sealed class HomeController(IConfiguration config) : Controller
{
    [HttpGet("/")]
    public ContentResult Index() => Content($$"""
        <!doctype html>
        <html><head><title>{{config["Monolith:Name"]}}</title></head>
        <body>
          <h1>{{config["Monolith:Name"]}}</h1>
          <p>This page is served by the monolith's own MVC controller. Watt hosts three more services in this process:</p>
          <ul>
            <li><a href="/orders">/orders</a> &mdash; the <b>orders</b> Minimal API service (2 workers), also
                <a href="/orders/1">/orders/1</a>, <a href="/orders/whoami">/orders/whoami</a> (refresh: the worker alternates) and
                <a href="/orders/1/product">/orders/1/product</a> (orders calls the catalog through the in-memory mesh, <code>http://catalog.plt.local</code>)</li>
            <li><a href="/catalog">/catalog</a> &mdash; the existing <b>Catalog</b> ASP.NET Core app, in-process:
                <a href="/catalog/products">/catalog/products</a>, <a href="/catalog/products/1">/catalog/products/1</a></li>
            <li><a href="/notify/">/notify/</a> &mdash; the <b>notifications</b> Express app, a supervised Node process behind the
                mount, which reads the orders with a plain <code>fetch('http://orders.plt.local/')</code></li>
            <li><a href="/legacy/customers">/legacy/customers</a> &mdash; a route of the monolith itself</li>
          </ul>
          <p>Prometheus metrics of every service: <a href="http://127.0.0.1:9090/metrics">http://127.0.0.1:9090/metrics</a>
             (a listener of its own, loopback only).</p>
        </body></html>
        """, "text/html");

    [HttpGet("/legacy/customers")]
    public object Customers() => new[] { new { id = 1, name = "Ada" }, new { id = 2, name = "Grace" } };
}
