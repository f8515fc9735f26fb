"""Word lists used by the rules: fillers, titles, role words, common words and name gazetteers.

All lists are lower-case ``frozenset``s so membership tests are cheap. The name gazetteers are
deliberately modest (common UK first names and surnames, with the South Asian, Somali, Polish,
African and Caribbean names frequent in Leicester); they raise recall for names the statistical
model misses (lower-cased names, names at the start of a turn) and are never the only route.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(w.strip().lower() for w in block.split() if w.strip())


FILLERS = _words(
    """um umm ummm uh uhh uhm er erm errm ah ahh oh ooh mm mmm hmm hm yeah yep yes yea no nope
    ok okay right well like so aye ta cheers alright sorry pardon hello hi bye thanks thank
    anyway basically actually really just you know innit eh huh wow gosh blimey bless lol"""
)

SPEAKER_WORDS = _words(
    """interviewer interviewee participant respondent speaker int q a p r i iv resp part
    facilitator moderator researcher caller unknown unidentified inaudible crosstalk laughs
    laughter pause silence overlapping"""
)

# Title -> role tag used by the pseudonymiser ("" means no role: a plain person).
TITLES: dict[str, str] = {
    "dr": "Doctor",
    "doctor": "Doctor",
    "doc": "Doctor",
    "prof": "Doctor",
    "professor": "Doctor",
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "mx": "",
    "sister": "Nurse",
    "nurse": "Nurse",
    "matron": "Nurse",
    "rev": "",
    "reverend": "",
    "sir": "",
    "dame": "",
    "lady": "",
    "lord": "",
    "auntie": "Aunt",
    "aunty": "Aunt",
    "uncle": "Uncle",
    "nan": "Grandmother",
    "nana": "Grandmother",
    "nanna": "Grandmother",
    "grandma": "Grandmother",
    "granny": "Grandmother",
    "grandad": "Grandfather",
    "grandpa": "Grandfather",
}
# Titles after which a lower-case word is still taken as a surname ("mrs hughes").
STRONG_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev"})

# Role nouns (kinship, and the roles of any programme's people and staff: care, clinical, transport,
# supplier, social care, voluntary) -> pseudonym tag stem.
ROLE_WORDS: dict[str, str] = {
    "daughter": "Daughter", "son": "Son", "wife": "Wife", "husband": "Husband",
    "mum": "Mother", "mom": "Mother", "mother": "Mother", "mam": "Mother", "mummy": "Mother",
    "dad": "Father", "father": "Father", "daddy": "Father",
    "sister": "Sister", "brother": "Brother", "partner": "Partner", "friend": "Friend",
    "neighbour": "Neighbour", "neighbor": "Neighbour", "granddaughter": "Granddaughter",
    "grandson": "Grandson", "grandchild": "Grandchild", "niece": "Niece", "nephew": "Nephew",
    "cousin": "Cousin", "aunt": "Aunt", "auntie": "Aunt", "aunty": "Aunt", "uncle": "Uncle",
    "nan": "Grandmother", "nana": "Grandmother", "grandma": "Grandmother", "granny": "Grandmother",
    "grandmother": "Grandmother", "grandad": "Grandfather", "grandfather": "Grandfather",
    "grandpa": "Grandfather", "stepdaughter": "Stepdaughter", "stepson": "Stepson",
    "boyfriend": "Partner", "girlfriend": "Partner", "fiance": "Partner", "fiancee": "Partner",
    "daughter-in-law": "Daughter-in-law", "son-in-law": "Son-in-law",
    "sister-in-law": "Sister-in-law", "brother-in-law": "Brother-in-law",
    "mother-in-law": "Mother-in-law", "father-in-law": "Father-in-law",
    "carer": "Carer", "caregiver": "Carer", "driver": "Driver", "nurse": "Nurse",
    "doctor": "Doctor", "consultant": "Doctor", "surgeon": "Doctor", "registrar": "Doctor",
    "gp": "Doctor", "escort": "Escort", "controller": "Controller", "manager": "Manager",
    "receptionist": "Receptionist", "paramedic": "Paramedic", "physio": "Physio",
    "physiotherapist": "Physio", "porter": "Porter", "volunteer": "Volunteer",
    "dispatcher": "Controller", "coordinator": "Coordinator", "co-ordinator": "Coordinator",
    "supervisor": "Supervisor", "technician": "Technician", "pharmacist": "Pharmacist",
    "midwife": "Midwife", "secretary": "Secretary", "colleague": "Colleague",
    "boss": "Manager", "attendant": "Escort", "crewmate": "Crew", "operator": "Controller",
    "handler": "Call handler", "worker": "Worker", "assistant": "Assistant",
    "matron": "Nurse", "sister-in-charge": "Nurse", "therapist": "Therapist",
    "dentist": "Dentist", "optician": "Optician", "chaplain": "Chaplain",
    "engineer": "Engineer", "clinician": "Clinician", "physician": "Doctor", "practitioner": "Practitioner",
    "social worker": "Social worker", "support worker": "Worker", "care worker": "Worker",
    "reablement worker": "Worker", "commissioner": "Commissioner", "interpreter": "Interpreter",
    "relative": "Relative", "advocate": "Advocate", "officer": "Officer",
}

# Lower-case words that are never a name on their own (used to reject weak name candidates).
COMMON_WORDS = _words(
    """a about above across after afterwards again against all almost alone along already also
    although always am among an and another any anybody anyone anything anyway anywhere are
    around as at away back be became because become been before behind being below beside
    besides between beyond both but by can cannot could did do does doing done down during each
    either else enough even ever every everybody everyone everything everywhere except few for
    from front further get gets getting give given go goes going gone got had has have having he
    her here hers herself him himself his how however i if in indeed into is it its itself just
    last least less let made make many may me meanwhile might mine more most mostly much must my
    myself neither never nevertheless next no nobody none noone nor not nothing now nowhere of
    off often on once one only onto or other others otherwise our ours ourselves out over own
    per perhaps please put quite rather re really said same say says see seem seemed seems
    several she should show side since so some somebody someone something sometime sometimes
    somewhere still such take than that the their theirs them themselves then there therefore
    these they thing things this those though through throughout thus to together too toward
    towards under until up upon us used very via was we were what whatever when whenever where
    whereas wherever whether which while who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
    ambulance ambulances transport taxi taxis cab cabs car cars bus buses van vans minibus lift
    lifts wheelchair chair stretcher hospital hospitals clinic clinics ward wards unit department
    appointment appointments booking bookings pickup pick collection discharge discharged lounge
    reception desk office phone number line call calls called calling rang ring ringing text
    letter letters home house flat address road street time times day days week weeks month
    months year years hour hours minute minutes morning afternoon evening night today tomorrow
    yesterday late early again ago first second third next last little lot lots bit bits way
    ways people person man men woman women lady ladies gentleman gent bloke chap guy lad lass
    girl boy kid kids child children family everybody nobody staff crew team service services
    system company firm provider contract council nhs gp doctor doctors nurse nurses driver
    drivers carer carers escort patient patients controller control dispatch it's that's there's
    what's he's she's they're we're i'm i've i'd i'll you're don't didn't doesn't can't couldn't
    wouldn't won't isn't wasn't weren't aren't haven't hasn't hadn't shouldn't
    good great fine lovely nice bad awful terrible brilliant fantastic excellent poor okay ok
    sure true real new old young big small long short right wrong left fine kind helpful rude
    sorry happy sad upset angry worried scared nervous tired poorly ill sick well better worse
    dialysis renal oncology chemo chemotherapy radiotherapy cardiology outpatients outpatient
    physio therapy scan scans x-ray xray blood bloods test tests results surgery operation
    treatment medication medicine tablets pain
    mum dad son daughter wife husband sister brother partner friend friends neighbour neighbours
    mother father nan grandma grandad auntie uncle cousin niece nephew grandson granddaughter
    yeah yes no um erm er uh oh ah mm hmm okay well like so right anyway basically actually
    know think mean guess suppose reckon feel felt said told asked wanted needed tried waited
    came come went took take brought bring left leave arrived turned picked dropped rang
    mind course sort kind type fact point case thing stuff matter problem issue trouble
    email e-mail emails mail post website online internet app form forms portal voicemail
    message messages answerphone mobile landline telephone postcode number nhs dob"""
)

# First names that are also ordinary English words: only taken as names with support
# (capitalised mid-sentence, a title, a role phrase, "called X", or the tagger saying PROPN).
AMBIGUOUS_NAMES = _words(
    """rose grace hope bill sunny will faith dawn mark joy pat sue jack ray don guy lee rob bob
    jan art ken carol holly ivy iris pearl ruby amber april may june summer violet cliff dean
    frank miles earl penny sandy rusty chase hunter drew gene jean nick pete eve sky rich dot
    kit ash basil bud buck max grant gill val hazel heather daisy poppy lily jasmine olive
    ginger misty crystal star honey angel precious blessing patience prudence charity mercy
    constance destiny harmony melody autumn brook brooke wade rod reg stan sonny lucky jewel
    ernest doc major rocky robin jay wren finch fern willow marsh dale glen glenn barry sunil
    asha"""
) - frozenset({"sunil", "barry", "asha", "glenn"})

FIRST_NAMES = _words(
    """aaron abbie abdul abdullahi abdi abena abigail adam ade adebayo adil adrian agnes agnieszka
    ahmed aidan aileen aisha ajay alan alastair albert alex alexander alexandra alf alfie alfred
    ali alice alison amanda amar amarjit amelia amina amir amit amrit amy andrea andrew andrzej
    andy angela angie anil anita anjali ann anna anne annette annie anthony antony anwar archie
    arjun arthur arun arvind asha ashok ashley asif audrey ava ayan ayesha balbir baljit balvinder
    barbara barry beatrice becky belinda ben benjamin bernard bernadette bert beryl bethany betty
    bev beverley beverly bhavesh bhavna bilal billy brenda brendan brian bridget bushra callum
    cameron carl carla carole caroline carolyn catherine charles charlie charlotte chetan chidi
    chinedu chloe chris christina christine christopher cindy claire clare clive colin connor
    craig cyril dan daniel danielle danny darren dave david davinder debbie deborah declan deepa
    deepak delroy denise dennis derek desmond dev diana diane dilip dinesh divya dominic donna
    doreen doris dorothy douglas duncan dylan eddie edith edna edward eileen elaine eleanor elena
    elizabeth ella ellen ellie elsie emeka emily emma eric errol esther ethel ethan eugene evelyn
    everton ewa faisal farah farai fatima femi fiona florence francesca freda freddie frederick
    freya funmi gail gareth gary gavin gemma geoff geoffrey george georgia gerald geraldine gita
    geeta gladys glenys gloria gopal gordon graham greg gregory gurdip gurpreet gwen hafsa hamza
    hannah hansa harish harjinder harjit harold haroon harriet harry harvey hasmukh hassan hawa
    hayley heena helen henry hibo hilary hilda hina hitesh hodan howard hugh hussain iain ian
    ibrahim idris imran indira iqra irene irfan isaac isabel isabella isla ismail ivan jacek
    jackie jacob jacqueline jagdish jake james jamie jane janet janice jason jaspal jaswinder
    javed jayesh jeff jeffrey jennifer jenny jeremy jess jessica jill jim jimmy jitendra jo joan
    joanna joanne jodie joe joel john johnny jon jonathan jordan joseph josephine josh joshua
    josie joyce jude judith judy julia julie julian june justin jyoti kajal kalpesh kamla kamran
    kanta karen kasia kate katarzyna kath katherine kathleen kathryn katie kavita kay keith kelly
    kenneth kerry kevin khadija khalid kieran kim kirsty kiran kishor kofi komal krishna
    krzysztof kuldeep kuldip kulwant kwame kyle lakshmi lata laura lauren lawrence leah leanne
    len leonard les lesley leslie lewis liam linda lindsay lisa liz lloyd logan lorna lorraine
    louise lucy luke lukasz lydia lynn lynne madeleine magda mahesh mahmood malcolm mandeep
    mandy manjit manju manoj margaret maria marian marie marion marjorie marta martin martyn mary
    maryam matt matthew maureen mavis megan meena melanie mia michael michelle mick micky mike
    mildred mohammad mohammed mohamed mohan molly monica muhammad mukesh muriel nadeem nadia
    naomi naresh nasreen natalie natasha nathan naveed navdeep navin neeta neha neil nicholas
    nicky nicola nigel nikhil nilesh nisha nita nitin nkechi noor norma norman oliver olivia omar
    owen paige pamela pam paresh parminder parveen patricia patrick paul paula pauline pawel
    peggy peter philip phil philippa piotr pooja pradeep prakash praveen pravin priya puja
    pushpa rachel rahul raj rajesh rajinder rakesh ramesh ranjit rashid raymond rebecca rekha
    reginald rhys richard rita rizwan robert roger ronald ron ronnie rosemary rosie rukhsana
    russell ruth ryan sadia sahra saima sajid salim sally sam samantha samina samuel sana sandra
    sanjay sarah sarla satnam savita scott sean shabana shahid shanti sharon shaun shazia sheila
    shirley shobha simon sita smita sonal sophie stacey stanley stella stephanie stephen steve
    steven stuart sukhdev sukhwinder sunil sunita suresh surinder susan suzanne sylvia tanya
    tariq tatenda ted tendai teresa terence terry thelma theresa thomas tim timothy tina toby
    tom tomasz tommy tony tracey tracy trevor trupti tunde tyler usha usman valerie vanessa
    vanita varsha vera veronica vicky victoria vijay vikram vinod vincent vivian walter waqar
    wayne wendy wilf wilfred william winifred winston yasmin yaw yogesh yousuf yusuf yvonne
    zahid zainab zara zoe zofia zubair"""
)

# Short and familiar forms of first names ("Kev", "Trev", "Baz"), as they are said on the phone.
# Forms that are also ordinary words (pat, sue, bob, ray, mo...) are in AMBIGUOUS_NAMES instead.
NICKNAMES = _words(
    """kev kevvy trev baz bazza gaz gazza daz dazza tez tezza shaz kaz chaz del delboy nige
    stu davey dougie jonno robbo mags maggie jen jenni jules deb debs bex becs tash tasha cath
    kath trish tish ange angie bri col clem fred freddy ern ernie wal walt vic vicky jacko
    mikey mick micky nobby sid alfie albie bert bertie archie jimbo jez jezza stevie benny
    lenny len mel kel bev sal sally lyn lynda pam pammy rosie suzie suzy tina nikki
    hels ellie liz lizzie beth betsy babs bella izzy lottie millie tilly jas nav sukh manj
    bal pav raj rajj sunny kash kully taz naz shaz mo"""
) - frozenset({"sunny", "mo"})
FIRST_NAMES = FIRST_NAMES | NICKNAMES

# Common UK given names the core gazetteer lacks (a general list, not drawn from any test set).
MORE_FIRST_NAMES = _words(
    """abbi abby abi ada adele adrienne aimee alana alec alexa alexis alfie alicia alisha alistair
    allan allison alma alyssa amber amelie anastasia andre andrea angelina angus annabel annabelle
    anneka annmarie antonia april arlene arran ashleigh aston aubrey audrey autumn barney beatrix
    bernice bethan bianca billie blake bobby bonnie bradley brandon brenda brendan briony bryony
    bridget bronwen brooke bruce bryan caitlin callum calvin cameron camilla candice cara carla
    carly carmen carole caroline carrie cassie catherine cathy cecilia celia chantelle charlene
    charles charley charlie chelsea cheryl chloe chris christie christina christine
    christopher christy ciara ciaran claudia clive cody colette connie connor corinne courtney
    craig cynthia daisy dale damian damien dana danielle danny darcy darren darryl dave davina
    dawn dean debbie debra declan deirdre delia demi denise dennis derek diane dianne dionne
    dominic dominique donna doreen dorothy dougie douglas duncan dylan edith edward eileen
    elaine eleanor elena eliza ella elle ellen elliot elliott eloise elsie emil emilia emily
    emma erica erin esme esther eugene eva evelyn faye fay felicity felix fiona frances francesca
    frankie fraser freddie gail garry garth gavin gaynor gemma geoff geoffrey georgia georgina
    gerald geraldine gillian gina glenda glenys gordon greg gwen gwyneth hannah harriet harvey
    hayley heather heidi helen helena hilary hillary holly howard hugo iain ian imogen ingrid isaac
    isabelle isla isobel ivan jack jackie jacqueline jade jake jamie janet janice jasmine jason
    jayne jeanette jemma jenna jennifer jeremy jessica jill joan joanna joanne jodie joel
    jolene jonathan josephine josh joshua joy joyce judith judy julia julie juliet justin karl
    kate katharine katherine kathleen kathryn katie katy kayleigh keith kelly kenneth kenny kerry
    kieran kim kirsty kristina kyle lana larissa laura lauren leah leanne lee leigh leon
    leslie lesley lewis liam lily linda lindsay lindsey lisa lois lorna lorraine louisa louise
    lucas lucinda lucy luke lydia lynn lynne madeleine madison maisie malcolm mandy marcus
    margaret marian marianne marina marion marjorie marlene martha martyn matthew maureen
    maxine megan melanie melissa meredith michaela michelle miranda miriam moira monica morgan
    muriel myra nadia naomi natalie natasha nathan neil nicholas nichola nicki nicky nicola
    nicole nigel nina noah noel nora norah olive olivia oscar paige pamela patricia patrick paula
    paulette pauline penelope petra philippa phoebe phyllis polly priscilla rachael rachel
    rebecca rebekah reece rhian rhiannon rhys richard rita robbie robyn rodney ronnie rory
    rosalind rosie ross roxanne ruby russell ryan sabrina sadie samantha samuel sandra sara
    sarah scarlett scott shane shannon sharon shaun shauna sheila shelley sheryl shirley sian
    simon sinead sonia sophia sophie stacey stacy stella steph stephanie stephen stewart
    stuart susan susanna susanne suzanna suzanne sylvia sylvie tamara tammy tania tanya tara
    teresa theresa thomas tia tiffany tina toni tracey tracy travis trevor tricia trisha troy
    valerie vanessa vicki vickie victoria vince vincent viv vivian vivienne wayne wendy
    william yasmin mathew lea yvette yvonne zach zara zoe zoey zoë"""
)
FIRST_NAMES = FIRST_NAMES | (MORE_FIRST_NAMES - AMBIGUOUS_NAMES)

# Languages, nationalities, peoples and faiths (spaCy's NORP and LANGUAGE): what someone speaks
# or is matters to the analysis (interpreting, leaflets, cultural needs) and identifies nobody on
# its own, so these are never replaced even when the model mislabels them as places or people.
# Words that are also common given names or surnames (Christian, Jain) are left out.
NORP_WORDS = _words(
    """english british welsh scottish irish scots cornish european american african asian
    gujarati punjabi hindi urdu bengali bangla sylheti tamil telugu malayalam marathi kannada
    sindhi pashto dari farsi persian kurdish arabic somali swahili amharic tigrinya oromo yoruba
    igbo hausa twi akan shona zulu xhosa lingala french german spanish portuguese italian dutch
    polish czech slovak hungarian romanian bulgarian lithuanian latvian estonian russian
    ukrainian belarusian serbian croatian bosnian albanian greek turkish cypriot maltese
    chinese mandarin cantonese hakka vietnamese thai filipino tagalog japanese korean nepali
    nepalese sinhala sinhalese malay indonesian burmese indian pakistani bangladeshi sri lankan
    afghan iranian iraqi syrian kurd yemeni sudanese eritrean ethiopian somalian kenyan
    ugandan tanzanian nigerian ghanaian zimbabwean zambian malawian congolese cameroonian
    jamaican caribbean trinidadian barbadian guyanese brazilian colombian mexican canadian
    australian hispanic latino latina arab arabian chinese gypsy roma romani traveller
    travellers sikh sikhs hindu hindus muslim muslims jains christians catholic
    catholics protestant anglican methodist baptist pentecostal jewish jew jews buddhist
    buddhists islamic rastafarian orthodox bsl makaton"""
)

SURNAMES = _words(
    """abbott adams adeyemi ahmed akhtar ali allen anderson andrews armstrong asante atkinson
    atwal aziz bailey bains baker ball barker barnes barrett bassi bates begum bell bennett
    berry bhatia bhatt bhogal bibi bird bishop boateng booth bradley brooks brown burgess
    burns burton butler butt byrne campbell carr carter chambers chandarana chapman chauhan
    chaudhry chavda chen clark clarke cole coleman collins cook cooke cooper cox cross curtis
    dattani davies davis dawson day desai dhaliwal dhillon dixon doyle dunn edwards egwu
    elliott ellis evans eze fisher fletcher ford foster fox francis freeman gajjar gardner
    george gibson gill gohil gordon graham grant gray green gregory grewal griffin griffiths
    gupta hall hamilton harding hardy harper harris harrison hart harvey hassan hawkins hayes
    henderson hill hirani hodgson holland holmes hopkins howard hudson hughes hunt hunter
    hussain hutchinson iqbal jackson james jenkins johal johnson johnston jones jordan joshi
    kang kara karia kaur kelly kennedy khan king knight kotecha kowalczyk kowalski kumar lad
    lakhani lane lawrence lee lewandowski lewis li lloyd long lowe majithia makwana malik
    mandalia marsh marshall martin mason matthews mcCarthy mcdonald mehta mensah miller mills
    mirza mistry mitchell modi mohamud moore morgan morris moss moyo murphy murray naik nawaz
    ncube newman newton nguyen nicholls nicholson nowak nwosu o'brien o'connor o'neill obi
    odedra okafor okonkwo oliver osborne osei owen owusu page palmer pandya parker parmar parry
    parsons patel payne pearce pearson perry phillips pindoria popat porter potter powell price
    qureshi rahman rai rathod raval reed rees reid reynolds richards richardson riley roberts
    robertson robinson robson rogers ross ruparelia russell ryan sahota sandhu sangha saunders
    scott shah sharma sharp shaw sheikh shepherd siddiqui sidhu simpson singh smith sodha
    solanki spencer stevens stewart stone sutton tailor taylor thakkar thomas thompson trivedi
    turner uppal vaghela varsani verma virdi walker wallace walsh walton ward warren warsame
    watkins watson watts webb webster wells west wheeler white wilkinson williams williamson
    wilson wisniewski wojcik wong wood woods wright yates young zhang zielinski"""
)

# Towns, villages and districts in Leicester, Leicestershire and Rutland plus nearby towns:
# identifying below county level, so flagged as LOCATION (the county names are allow-listed).
PLACES = _words(
    """oadby wigston birstall syston thurmaston hinckley loughborough oakham uppingham coalville
    lutterworth anstey braunstone evington belgrave narborough enderby blaby countesthorpe
    whetstone kibworth fleckney shepshed ibstock measham kegworth mountsorrel rothley sileby
    quorn groby ratby markfield desford barwell burbage cosby sapcote bottesford asfordby
    empingham ketton cottesmore greetham ryhall highfields humberstone knighton aylestone
    stoneygate westcotes netherhall thurnby scraptoft bushby thurcaston cropston wymeswold
    castle-donington stamford corby nottingham coventry northampton derby peterborough
    nuneaton kettering rugby grantham birmingham wolverhampton sheffield newark melton
    harborough ashby mowmacre belgrave braunstone-town lubbesthorpe glenhills kirby muxloe
    houghton billesdon tilton somerby wymondham langham cottesmore edith-weston"""
)
# Multi-word places (matched as phrases).
PLACE_PHRASES = (
    "melton mowbray", "market harborough", "market bosworth", "ashby-de-la-zouch",
    "ashby de la zouch", "castle donington", "barrow upon soar", "earl shilton",
    "broughton astley", "stoney stanton", "glen parva", "great glen", "beaumont leys",
    "eyres monsell", "new parks", "rushey mead", "clarendon park", "spinney hill",
    "leicester forest east", "kirby muxloe", "south wigston", "braunstone town",
    "waltham on the wolds", "edith weston", "great easton", "hamilton", "north evington",
)

STREET_SUFFIXES = _words(
    """road rd street st avenue ave lane ln close cl drive dr way crescent cres gardens gdns
    terrace place pl court ct grove walk row square sq hill rise mews park green view parade
    vale croft boulevard wharf chase fields meadow meadows paddock lea end approach circus
    gate yard wynd broadway causeway embankment highway"""
)
