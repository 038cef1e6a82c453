import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Hands a batch handler's error to the transport unchanged. Nest's default filter logs it and replaces it
 * with "Internal server error", which would hide what the transport decides by: whether the database refused
 * the input (dead-letter it) or failed (retry).
 */
@Catch()
export class HandlerErrorsToTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
