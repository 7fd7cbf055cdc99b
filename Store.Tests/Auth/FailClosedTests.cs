using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Store.Auth;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>An endpoint that forgot its .RequireAccess is refused in every mode, never run.</summary>
public sealed class FailClosedTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_endpoint_without_a_rule_is_never_run(bool authDisabled)
    {
        await using var host = await StoreHost.StartAsync(s => s with { AuthDisabled = authDisabled });
        var services = host.App.Services;
        var ran = false;
        var undeclared = new RouteEndpoint(_ => { ran = true; return Task.CompletedTask; },
            RoutePatternFactory.Parse("/undeclared"), 0, EndpointMetadataCollection.Empty, "undeclared");
        var middleware = new AuthMiddleware(_ => { ran = true; return Task.CompletedTask; },
            services.GetRequiredService<AuthOptions>(), services.GetRequiredService<PublicKeyFile>(),
            services.GetRequiredService<TokenVerifier>(), services.GetRequiredService<ReadAuthSwitch>(),
            NullLogger<AuthMiddleware>.Instance);

        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(undeclared);
        await middleware.InvokeAsync(context);

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
    }
}
