/**
 * Imported first by every contract test, before Pact loads: the machines running these tests have
 * no internet, so Pact must not try to report usage.
 */
process.env['PACT_DO_NOT_TRACK'] = 'true';
