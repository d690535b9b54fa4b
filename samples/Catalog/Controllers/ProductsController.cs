using Microsoft.AspNetCore.Mvc;

namespace Catalog.Controllers;

[ApiController]
[Route("products")]
public sealed class ProductsController(ProductCatalog catalog, IConfiguration config) : ControllerBase
{
    [HttpGet]
    public object List() => new { title = config["Catalog:Title"], products = catalog.All };

    [HttpGet("{id:int}")]
    public ActionResult<Product> Get(int id) => catalog.Find(id) is { } product ? product : NotFound();
}
