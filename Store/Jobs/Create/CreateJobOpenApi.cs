using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Store.Jobs.Create;

/// <summary>
/// Documents the multipart body in OpenAPI only. <c>.Accepts("multipart/form-data")</c> would say the same, but the
/// router reads that metadata too and answers 415 to any other body before the handler runs, while the contract
/// wants 400 <c>{"detail"}</c> for every input error of job creation.
/// </summary>
public static class CreateJobOpenApi
{
    public static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["upload_files"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                                Description = "Files to upload (any number)",
                            },
                            ["external_files"] = Text("JSON array of {\"path\": \"/absolute/path\", \"metadata\": {...}}: stored files read in place"),
                            ["priority"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Integer, Minimum = "0", Maximum = "10", Default = 5,
                                Description = "10 runs first",
                            },
                            ["params"] = Text("JSON object: the task's own options"),
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
