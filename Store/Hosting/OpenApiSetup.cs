using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Store.Http;

namespace Store.Hosting;

/// <summary>Document metadata, request bodies the handlers read themselves, and the two 422 forms the contract allows, shown as one oneOf.</summary>
public static class OpenApiSetup
{
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
