// OSCAR 15.0's whole OAuth REST surface: ProviderService alone, registered without a JSON provider
// (variants §3 card A, B3). The paths exist (so CXF matches them and the WADL lists them), but the
// simulator does not render ProviderService's answers: every call ends in the 500 CXF gives when
// no message body writer fits, which is what a JSON request gets there [inf: variants §3 card A].
import { JSON_TYPE, XML_TYPE } from './media.js';
import { ContainerError } from './errors.js';
import type { RestRoute } from './route.js';

const noWriter = (): never => { throw new ContainerError('No message body writer has been found for the response of ProviderService'); };

const route = (method: RestRoute['method'], path: string): RestRoute => ({
  method, path, produces: [XML_TYPE, JSON_TYPE], consumes: [JSON_TYPE, XML_TYPE], handle: noWriter,
});

export const providerServiceRoutes: RestRoute[] = [
  route('GET', '/providerService/providers_json'), route('GET', '/providerService/provider/{id}'),
  route('GET', '/providerService/provider/me'), route('POST', '/providerService/providers/search'),
];
