using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Store.Http;

namespace Store.Hosting;

/// <summary>Document metadata, request bodies the handlers read themselves, and the two 422 forms the contract allows, shown as one oneOf.</summary>
public static class OpenApiSetup
{
    /// <summary>Distinct scheme, host and path base answers kept: the host is the client's to choose.</summary>
    const int MaxKept = 16;

    /// <summary>
    /// GET /openapi/{documentName}.json, MapOpenApi's own answer kept once made. Making it builds the whole document
    /// (tens of milliseconds of CPU), and it depends on the request only through the scheme, host and path base its
    /// "servers" entry names: the routes and types it describes do not change while the service runs.
    /// </summary>
    public static IEndpointConventionBuilder MapStoreOpenApi(this IEndpointRouteBuilder app)
    {
        var kept = new ConcurrentDictionary<string, (string? ContentType, byte[] Body)>(StringComparer.Ordinal);
        return app.MapOpenApi("/openapi/{documentName}.json").AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var request = context.Request;
            var key = $"{request.Scheme}://{request.Host}{request.PathBase} {request.RouteValues["documentName"]}";
            if (kept.TryGetValue(key, out var answer))
            {
                context.Response.ContentType = answer.ContentType;
                await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
                return Results.Empty;
            }

            // The framework's answer, taken into memory on its way out.
            var body = context.Features.Get<IHttpResponseBodyFeature>()!;
            using var buffer = new MemoryStream();
            var taken = new StreamResponseBodyFeature(buffer, body);
            context.Features.Set<IHttpResponseBodyFeature>(taken);
            object? result;
            try
            {
                result = await next(invocation);
                await taken.CompleteAsync();
            }
            finally
            {
                context.Features.Set(body);
            }
            var bytes = buffer.ToArray();
            if (context.Response.StatusCode == StatusCodes.Status200OK && kept.Count < MaxKept)
                kept.TryAdd(key, (context.Response.ContentType, bytes));
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return result;
        });
    }

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "CoLAN Store Server";
            doc.Info.Version = "v1";
            doc.Info.Description = "Media entities, their history, and compute jobs for the CL ecosystem. "
                + "Errors are {\"detail\": \"text\"}; a request of the wrong shape gets 422 with the list form.";
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(DocumentBodies);
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (operation.Responses is null || !operation.Responses.TryGetValue("422", out var response)) return;
            // Schemas are registered by the first operation that needs them, so ask for both explicitly.
            var list = await context.GetOrCreateSchemaAsync(typeof(ValidationErrorBody), null, ct);
            var plain = await context.GetOrCreateSchemaAsync(typeof(ErrorBody), null, ct);
            context.Document?.AddComponent(nameof(ValidationErrorBody), list);
            context.Document?.AddComponent(nameof(ErrorBody), plain);
            var content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        OneOf =
                        [
                            new OpenApiSchemaReference(nameof(ValidationErrorBody), context.Document),
                            new OpenApiSchemaReference(nameof(ErrorBody), context.Document),
                        ],
                    },
                },
            };
            if (response is OpenApiResponse concrete)
            {
                concrete.Description = "The request's shape is wrong (list form), or it breaks a rule about stored data (detail form)";
                concrete.Content = content;
            }
        });
    }

    /// <summary>Request bodies declared with <see cref="BodyDocs"/>, each schema registered once as a component.</summary>
    static async Task DocumentBodies(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var bodies = context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().ToList();
        if (bodies.Count == 0) return;
        var content = new Dictionary<string, OpenApiMediaType>();
        foreach (var body in bodies)
        {
            var schemas = new List<IOpenApiSchema>();
            foreach (var type in body.Schemas)
            {
                context.Document?.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
                schemas.Add(new OpenApiSchemaReference(type.Name, context.Document));
            }
            content[body.ContentType] = new OpenApiMediaType { Schema = schemas.Count == 1 ? schemas[0] : new OpenApiSchema { OneOf = schemas } };
        }
        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
    }
}
